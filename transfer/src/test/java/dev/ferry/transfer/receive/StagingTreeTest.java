package dev.ferry.transfer.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.EntryAttributes;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTreeTest {
  @TempDir Path tmp;

  @Test
  void refusesWritingBelowASymlinkThatLeavesTheTree() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("staging"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("esc"), outside);
    StagingTree tree = new StagingTree(root);

    assertThatThrownBy(() -> tree.resolveForWrite("esc/file"))
        .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.PERMISSION_DENIED));
    // The entry itself is created exclusively and without following: the symlink blocks it.
    Path entry = tree.resolveForWrite("esc");
    assertThatThrownBy(() -> java.nio.channels.FileChannel.open(entry, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThatThrownBy(() -> tree.resolveExisting("esc/file")).isInstanceOf(TransferException.class);
    try (var listing = Files.list(outside)) {
      assertThat(listing).isEmpty();
    }
  }

  @Test
  void createsParentsAndSpecialFiles() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("staging"));
    StagingTree tree = new StagingTree(root);
    EntryAttributes attrs = new EntryAttributes(0640, 0, 0, 0);
    tree.create(new Entry.Special("dev/fifo", Entry.SpecialType.FIFO, 0, 0, attrs));
    tree.create(new Entry.Special("dev/null", Entry.SpecialType.CHAR_DEVICE, 1, 3, attrs));

    assertThat(Files.readAttributes(root.resolve("dev/fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode"))
        .isEqualTo(0010640);
    var devNull = Files.readAttributes(root.resolve("dev/null"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
    assertThat((Integer) devNull.get("mode") & 0170000).isEqualTo(0020000);
    assertThat(devNull.get("rdev")).isEqualTo(Files.getAttribute(Path.of("/dev/null"), "unix:rdev"));
  }

  @Test
  void aParentIsMadeOnceReusedWhenItExistsAndRefusedWhenItIsAFileOrASymlink() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("staging"));
    Files.createDirectories(root.resolve("existing"));
    Files.writeString(root.resolve("plain"), "a file");
    Files.createSymbolicLink(root.resolve("link"), tmp);
    StagingTree tree = new StagingTree(root);

    assertThat(tree.resolveForWrite("new/sub/f")).isEqualTo(root.resolve("new/sub/f"));
    assertThat(root.resolve("new/sub")).isDirectory();
    assertThat(tree.resolveForWrite("existing/f")).isEqualTo(root.resolve("existing/f"));
    assertThatThrownBy(() -> tree.resolveForWrite("plain/f"))
        .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.INVALID_ARGUMENT))
        .hasMessage("plain is not a directory, so plain/f cannot be made");
    EntryAttributes attrs = new EntryAttributes(0755, 0, 0, 0);
    assertThatThrownBy(() -> tree.create(new Entry.Directory("link", attrs)))
        .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.PERMISSION_DENIED));
    tree.create(new Entry.Directory("new/sub", attrs)); // made as a parent already: nothing to do
    assertThat(root.resolve("new/sub")).isDirectory();
  }

  @Test
  void inACopiedTreeNewEntriesGetTheirOwnerAndModeEvenUnderACopiedSetGidDirectory() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("staging"));
    // As a root-filesystem delta's copy of the first pass holds it: group 4321, set-gid.
    Path shared = Files.createDirectories(root.resolve("shared"));
    Files.setAttribute(shared, "unix:gid", 4321);
    Files.setAttribute(shared, "unix:mode", 02775);
    int rootGid = (Integer) Files.getAttribute(root, "unix:gid");
    StagingTree tree = new StagingTree(root, true);
    EntryAttributes file = new EntryAttributes(0100644, 0, rootGid, 1_000_000_000_000_000_000L);
    EntryAttributes dir = new EntryAttributes(040755, 0, rootGid, 1_000_000_000_000_000_000L);

    IncomingFile f = new IncomingFile(0, "shared/f", tree.resolveForWrite("shared/f"), file, WholeFileHash.XXH3_128, tree.created());
    Object call = new Object();
    f.takeOver(call, "shared/f", file, 0);
    f.finish(call, 0, WholeFileHash.XXH3_128.start().finish());
    tree.resolveForWrite("shared/sub/g"); // makes shared/sub, which inherits group and set-gid
    tree.applyDirectoryAttributes(root.resolve("shared/sub"), dir);

    assertThat(Files.getAttribute(root.resolve("shared/f"), "unix:gid")).isEqualTo(rootGid);
    assertThat(Files.getAttribute(root.resolve("shared/sub"), "unix:gid")).isEqualTo(rootGid);
    assertThat((Integer) Files.getAttribute(root.resolve("shared/sub"), "unix:mode") & 07777).isEqualTo(0755);
  }

  @Test
  void aDirectoryTheTreeMadeGetsTheOwnerAndModeItShouldHave() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("staging"));
    StagingTree tree = new StagingTree(root);
    StagingTree.Created created = tree.created();
    tree.resolveForWrite("same/f");
    tree.resolveForWrite("other/f");
    tree.applyDirectoryAttributes(root.resolve("same"), new EntryAttributes(created.directoryMode(), created.uid(), created.gid(), 1_000_000_000_000_000_000L));
    tree.applyDirectoryAttributes(root.resolve("other"), new EntryAttributes(0710, 1234, 4321, 1_100_000_000_000_000_000L));

    var same = Files.readAttributes(root.resolve("same"), "unix:uid,gid,mode,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    assertThat(same.get("uid")).isEqualTo(created.uid());
    assertThat((Integer) same.get("mode") & 07777).isEqualTo(created.directoryMode());
    assertThat(same.get("lastModifiedTime").toString()).startsWith("2001-09-09");
    var other = Files.readAttributes(root.resolve("other"), "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
    assertThat(other.get("uid")).isEqualTo(1234);
    assertThat(other.get("gid")).isEqualTo(4321);
    assertThat((Integer) other.get("mode") & 07777).isEqualTo(0710);
  }
}
