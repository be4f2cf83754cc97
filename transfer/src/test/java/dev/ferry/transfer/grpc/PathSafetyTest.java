package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.proto.v1.EntryType;
import dev.ferry.proto.v1.FileHeader;
import dev.ferry.proto.v1.TransferClose;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferKind;
import dev.ferry.proto.v1.TransferOpen;
import dev.ferry.transfer.testing.InProcessTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.RawSendCall;
import dev.ferry.transfer.testing.Timing;
import dev.ferry.transfer.testing.TreeAssertions;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A hostile sender cannot write outside the admitted directory. */
class PathSafetyTest {
  @TempDir Path tmp;
  Path migration;
  Path outside;
  MigrationDirs dirs;

  @BeforeEach
  void setUp() throws Exception {
    migration = Files.createDirectories(tmp.resolve("migrations/m1"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    dirs = new MigrationDirs(migration, "m1", "t", "node-a");
  }

  private static TransferFrame open(int files) {
    return TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setMigrationId("m1").setToken("t")
        .setSourceNode("node-a").setDestination("images").setKind(TransferKind.TRANSFER_KIND_IMAGES)
        .setTransferId("evil-1").setFilesTotal(files)).build();
  }

  private static TransferFrame header(String path, EntryType type, String target) {
    return TransferFrame.newBuilder().setFile(FileHeader.newBuilder().setPath(path).setType(type)
        .setLinkTarget(target).setMode(0644)).build();
  }

  private Status run(TransferFrame... frames) throws Exception {
    try (InProcessTransfer transfer = new InProcessTransfer(dirs)) {
      RawSendCall call = new RawSendCall(transfer.channel()).send(frames);
      Status status = call.awaitEnd(Timing.seconds(10));
      call.halfClose();
      return status;
    }
  }

  private void assertNothingOutsideOrPartial() throws Exception {
    assertThat(TreeAssertions.listAll(outside)).containsExactly(outside);
    assertThat(TreeAssertions.listAll(tmp.resolve("migrations"))).containsExactly(tmp.resolve("migrations"), migration);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escaped", "a/../../escaped", "../../outside/escaped", "/tmp/escaped-abs"})
  void refusesTraversalInFileNames(String path) throws Exception {
    Status status = run(open(1), header(path, EntryType.ENTRY_TYPE_FILE, ""));
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains(path);
    assertThat(Files.exists(Path.of("/tmp/escaped-abs"))).isFalse();
    assertNothingOutsideOrPartial();
  }

  @Test
  void refusesHardlinkToAFileOutside() throws Exception {
    Files.writeString(outside.resolve("secret"), "x");
    Status status = run(open(0), header("h", EntryType.ENTRY_TYPE_HARDLINK, "../../../outside/secret"),
        TransferFrame.newBuilder().setClose(TransferClose.newBuilder()).build());
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(TreeAssertions.listAll(outside)).containsExactly(outside, outside.resolve("secret"));
  }

  @Test
  void refusesWritingThroughASymlinkThatLeavesTheTree() throws Exception {
    Status status = run(open(0),
        header("esc", EntryType.ENTRY_TYPE_SYMLINK, outside.toString()),
        header("esc/planted", EntryType.ENTRY_TYPE_SYMLINK, "/etc/shadow"),
        TransferFrame.newBuilder().setClose(TransferClose.newBuilder()).build());
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("symlink");
    assertNothingOutsideOrPartial();
  }

  @Test
  void refusesADirectoryWhereASymlinkWillBe() throws Exception {
    Status status = run(open(0),
        header("esc", EntryType.ENTRY_TYPE_SYMLINK, outside.toString()),
        header("esc/sub", EntryType.ENTRY_TYPE_DIRECTORY, ""),
        TransferFrame.newBuilder().setClose(TransferClose.newBuilder()).build());
    assertThat(status.getCode()).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.PERMISSION_DENIED);
    assertNothingOutsideOrPartial();
  }

  @Test
  void refusesDataBeforeOpen() throws Exception {
    Status status = run(header("a", EntryType.ENTRY_TYPE_FILE, ""));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("TransferOpen");
  }

  @Test
  void refusesAnUnannouncedMigration() throws Exception {
    TransferFrame wrong = open(0).toBuilder().setOpen(open(0).getOpen().toBuilder().setMigrationId("m2")).build();
    Status status = run(wrong);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(List.of(Files.list(migration).toArray())).isEmpty();
  }
}
