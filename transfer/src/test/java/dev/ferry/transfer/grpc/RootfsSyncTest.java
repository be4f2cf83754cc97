package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import dev.ferry.transfer.RootfsPass;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.testing.InProcessTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeAssertions;
import dev.ferry.transfer.testing.TreeFixtures;
import dev.ferry.transfer.tree.Manifest;
import dev.ferry.transfer.tree.TreeWalker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two-pass root filesystem sync: full copy while running, then only the delta after freeze. */
class RootfsSyncTest {
  @TempDir Path tmp;

  @Test
  void deltaPassMakesTheTargetEqualToTheFrozenTreeAndLeavesTheFirstPassIntact() throws Exception {
    Path rootfs = builtRootfs();
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      SendRequest first = firstPass(rootfs);
      RootfsPass full = RootfsSync.fullPass(transfer.channel(), first, s -> { });
      TreeAssertions.assertSameTree(rootfs, migration.resolve("rootfs"));
      Map<String, String> afterFirstPass = TreeAssertions.describe(migration.resolve("rootfs"));

      mutate(rootfs); // the container kept running until freeze

      SendRequest last = finalPass(rootfs);
      RootfsPass delta = RootfsSync.deltaPass(transfer.channel(), last, full, s -> { });

      TreeAssertions.assertSameTree(rootfs, migration.resolve("rootfs-final"));
      assertThat(TreeAssertions.describe(migration.resolve("rootfs"))).isEqualTo(afterFirstPass);
      // Only the changed files travelled again: far less than the tree.
      assertThat(delta.stats().files()).isEqualTo(4);
      assertThat(delta.stats().sentRawBytes()).isLessThan(full.stats().sentRawBytes() / 4);
    }
  }

  @Test
  void aFileGoneBetweenTheWalkAndItsSendLeavesTheFirstPassAndTheDeltaDeletesIt() throws Exception {
    Path rootfs = builtRootfs();
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      SendRequest first = firstPass(rootfs);
      Manifest[] walked = new Manifest[1];
      // The container removes a log and a config file just after the walk saw them.
      var stats = TreeSender.send(transfer.channel(), first, () -> {
        walked[0] = TreeWalker.walk(rootfs);
        unchecked(() -> Files.delete(rootfs.resolve("var/log/app/app.log")));
        unchecked(() -> Files.delete(rootfs.resolve("etc/conf-9")));
        return walked[0];
      }, "", s -> { });
      assertThat(migration.resolve("rootfs/var/log/app/app.log")).as("sent empty, as it is now").isEmptyFile();

      SendRequest last = finalPass(rootfs);
      RootfsSync.deltaPass(transfer.channel(), last, new RootfsPass("rootfs", walked[0], stats), s -> { });
      TreeAssertions.assertSameTree(rootfs, migration.resolve("rootfs-final"));
    }
  }

  @Test
  void aFileGoneDuringTheFirstPassAndBackUnchangedBeforeTheFreezeTravelsWhole() throws Exception {
    Path rootfs = builtRootfs();
    Path config = rootfs.resolve("etc/conf-9");
    Path aside = rootfs.resolve("etc/conf-9.tmp");
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      Manifest[] walked = new Manifest[1];
      // A program moves its config aside just after the walk saw it, and back before the freeze: a rename keeps
      // the size and the mtime, so by the manifests nothing changed, while the first pass sent the file empty.
      var stats = TreeSender.send(transfer.channel(), firstPass(rootfs), () -> {
        walked[0] = TreeWalker.walk(rootfs);
        unchecked(() -> Files.move(config, aside, StandardCopyOption.ATOMIC_MOVE));
        return walked[0];
      }, "", s -> { });
      assertThat(stats.sentEmpty()).containsExactly("etc/conf-9");
      Files.move(aside, config, StandardCopyOption.ATOMIC_MOVE);

      SendRequest last = finalPass(rootfs);
      RootfsPass delta = RootfsSync.deltaPass(transfer.channel(), last, new RootfsPass("rootfs", walked[0], stats), s -> { });

      assertThat(migration.resolve("rootfs-final/etc/conf-9")).hasSameBinaryContentAs(config);
      TreeAssertions.assertSameTree(rootfs, migration.resolve("rootfs-final"));
      assertThat(delta.stats().sentEmpty()).isEmpty();
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aFileReplacedByALinkOrAFifoDuringTheFirstPassIsSentEmptyOrRefusedNeverWaitedOn() throws Exception {
    Path rootfs = builtRootfs();
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      Manifest[] walked = new Manifest[1];
      // A package update turns a config file into a link just after the walk saw it.
      var stats = TreeSender.send(transfer.channel(), firstPass(rootfs), () -> {
        walked[0] = TreeWalker.walk(rootfs);
        unchecked(() -> Files.delete(rootfs.resolve("etc/conf-3")));
        unchecked(() -> Files.createSymbolicLink(rootfs.resolve("etc/conf-3"), Path.of("conf-4")));
        return walked[0];
      }, "", s -> { });
      assertThat(stats.sentEmpty()).containsExactly("etc/conf-3");

      SendRequest last = finalPass(rootfs);
      RootfsSync.deltaPass(transfer.channel(), last, new RootfsPass("rootfs", walked[0], stats), s -> { });
      assertThat(migration.resolve("rootfs-final/etc/conf-3")).isSymbolicLink();
      TreeAssertions.assertSameTree(rootfs, migration.resolve("rootfs-final"));

      // A FIFO in a file's place: opening it must not wait for a writer that never comes; reading it fails the pass.
      SendRequest again = new SendRequest(rootfs, "m1", "t", "n", "rootfs-again", TransferKind.ROOTFS_FULL, TransferOptions.defaults());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TreeSender.send(transfer.channel(), again, () -> {
        Manifest m = TreeWalker.walk(rootfs);
        unchecked(() -> Files.delete(rootfs.resolve("etc/conf-5")));
        new SystemProcessRunner().runChecked(ProcessSpec.of("mkfifo", rootfs.resolve("etc/conf-5").toString()));
        return m;
      }, "", s -> { })).hasMessageContaining("etc/conf-5");
    }
  }

  @Test
  void aFileGoneFromImagesIsAnError() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    Files.writeString(images.resolve("pages-1.img"), "pages");
    Files.writeString(images.resolve("core-1.img"), "core");
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "n"))) {
      SendRequest send = new SendRequest(images, "m1", "t", "n", "images", TransferKind.IMAGES, TransferOptions.defaults());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TreeSender.send(transfer.channel(), send, () -> {
        Manifest m = TreeWalker.walk(images);
        unchecked(() -> Files.delete(images.resolve("pages-1.img")));
        return m;
      }, "", s -> { })).hasMessageContaining("pages-1.img");
      assertThat(migration.resolve("images")).as("no partial images treated as complete").doesNotExist();
    }
  }

  /** A file operation inside a walk hook, which cannot throw checked exceptions. */
  private interface FileAction {
    void run() throws IOException;
  }

  private static void unchecked(FileAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path builtRootfs() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    buildRootfs(rootfs);
    return rootfs;
  }

  private static SendRequest firstPass(Path rootfs) {
    return new SendRequest(rootfs, "m1", "t", "n", "rootfs", TransferKind.ROOTFS_FULL, TransferOptions.defaults());
  }

  private static SendRequest finalPass(Path rootfs) {
    return new SendRequest(rootfs, "m1", "t", "n", "rootfs-final", TransferKind.ROOTFS_DELTA, TransferOptions.defaults());
  }

  private static void buildRootfs(Path r) throws Exception {
    for (String d : new String[] {"bin", "etc/ssl", "var/log/app", "var/empty", "dev", "tmp", "opt/old/deep"}) {
      Files.createDirectories(r.resolve(d));
    }
    TreeFixtures.mixedPages(r.resolve("bin/busybox"), 1 << 20, 1);
    Files.setAttribute(r.resolve("bin/busybox"), "unix:mode", 04755);
    for (int i = 0; i < 50; i++) {
      Files.writeString(r.resolve("etc/conf-" + i), "key=value " + i + "\n");
    }
    Files.writeString(r.resolve("etc/ssl/cert.pem"), "-----BEGIN CERTIFICATE-----\n");
    Files.setAttribute(r.resolve("etc/ssl/cert.pem"), "unix:uid", 101);
    Files.writeString(r.resolve("var/log/app/app.log"), "line\n".repeat(1000));
    Files.writeString(r.resolve("opt/old/deep/file"), "going away");
    Files.createSymbolicLink(r.resolve("bin/sh"), Path.of("busybox"));
    Files.createSymbolicLink(r.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
    Files.createLink(r.resolve("bin/ls"), r.resolve("bin/busybox"));
    Files.setAttribute(r.resolve("tmp"), "unix:mode", 01777);
    var runner = new SystemProcessRunner();
    runner.runChecked(ProcessSpec.of("mknod", r.resolve("dev/null").toString(), "c", "1", "3"));
    runner.runChecked(ProcessSpec.of("mkfifo", r.resolve("var/app.fifo").toString()));
  }

  private static void mutate(Path r) throws Exception {
    Files.writeString(r.resolve("var/log/app/app.log"), "more\n", java.nio.file.StandardOpenOption.APPEND); // changed
    Files.writeString(r.resolve("etc/conf-new"), "new file"); // new
    Files.delete(r.resolve("etc/conf-7")); // deleted file
    try (var walk = Files.walk(r.resolve("opt/old"))) { // deleted directory tree
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.delete(r.resolve("bin/sh"));
    Files.createSymbolicLink(r.resolve("bin/sh"), Path.of("/bin/busybox")); // symlink retargeted
    Files.setAttribute(r.resolve("etc/conf-3"), "unix:mode", 0600); // metadata only
    Files.delete(r.resolve("var/empty"));
    Files.writeString(r.resolve("var/empty"), "a directory became a file"); // type change
    Files.setLastModifiedTime(r.resolve("etc"), FileTime.fromMillis(1_000_000_000_000L));
  }
}
