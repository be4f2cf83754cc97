package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.proto.v1.EntryType;
import dev.ferry.proto.v1.FileHeader;
import dev.ferry.proto.v1.ReasonCode;
import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.proto.v1.TransferKind;
import dev.ferry.proto.v1.TransferOpen;
import dev.ferry.transfer.Compression;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.codec.ChunkEncoder;
import dev.ferry.transfer.codec.EncodedChunk;
import dev.ferry.transfer.testing.LoopbackTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.RawSendCall;
import dev.ferry.transfer.testing.SmallTmpfs;
import dev.ferry.transfer.testing.Timing;
import dev.ferry.transfer.testing.TreeAssertions;
import dev.ferry.transfer.testing.TreeFixtures;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real 8 MiB tmpfs as the target disk: refused up front, or a clean failure when it fills. */
class DiskFullIT {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  SmallTmpfs disk;
  Path migration;
  LoopbackTransfer server;
  ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    disk = new SmallTmpfs(tmp.resolve("disk"), 8);
    migration = Files.createDirectories(disk.dir().resolve("m1"));
    server = new LoopbackTransfer(new MigrationDirs(migration, "m1", "t", "node-a"));
    channel = server.channel();
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow();
    server.close();
    disk.close();
  }

  @Test
  void refusesATreeLargerThanTheFreeDiskBeforeWritingAnything() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.randomFile(source.resolve("pages-1.img"), 16L * MIB, 1);
    SendRequest request = new SendRequest(source, "m1", "t", "node-a", "images", dev.ferry.transfer.TransferKind.IMAGES,
        TransferOptions.defaults().withCompression(Compression.none()));

    assertThatThrownBy(() -> TreeSender.send(channel, request, s -> { }))
        .isInstanceOfSatisfying(TransferException.class, e -> {
          assertThat(e.reason()).isEqualTo(FailureReason.DISK_FULL);
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("not enough free disk");
        });
    assertThat(TreeAssertions.listAll(migration)).containsExactly(migration);
  }

  @Test
  void failsCleanlyWhenTheDiskFillsMidway() throws Exception {
    // A sender that announced 1 MiB (a growing file, say) but keeps sending: the disk fills.
    RawSendCall call = new RawSendCall(channel);
    call.send(TransferFrame.newBuilder().setOpen(TransferOpen.newBuilder().setMigrationId("m1").setToken("t")
            .setSourceNode("node-a").setDestination("images").setKind(TransferKind.TRANSFER_KIND_IMAGES)
            .setTransferId("grows-1").setFilesTotal(1).setBytesTotal(MIB)).build(),
        TransferFrame.newBuilder().setFile(FileHeader.newBuilder().setPath("pages-1.img").setType(EntryType.ENTRY_TYPE_FILE)
            .setMode(0600).setFileIndex(0).setGrowing(true)).build());
    Random random = new Random(1);
    byte[] raw = new byte[MIB];
    try (ChunkEncoder encoder = new ChunkEncoder()) {
      for (int i = 0; i < 16; i++) {
        random.nextBytes(raw);
        EncodedChunk chunk = encoder.encode(raw, raw.length, null);
        call.send(TransferFrame.newBuilder().setChunk(FrameMapper.toProto(0, (long) i * MIB, chunk)).build());
      }
    } catch (RuntimeException callAlreadyFailed) {
      // the receiver may end the call while chunks are still being sent
    }
    Status status = call.awaitEnd(Timing.seconds(30));

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(call.ferryError().getReason()).isEqualTo(ReasonCode.DISK_FULL);
    assertThat(status.getDescription()).contains("disk full");
    // No partial image that could be taken for a complete one: staging removed, space given back.
    assertThat(TreeAssertions.listAll(migration)).containsExactly(migration);
    assertThat(Files.getFileStore(migration).getUsableSpace()).isGreaterThan(7L * MIB);
  }
}
