package dev.ferry.transfer.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ferry.transfer.Compression;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.testing.FrameTampering;
import dev.ferry.transfer.testing.InProcessTransfer;
import dev.ferry.transfer.testing.MigrationDirs;
import dev.ferry.transfer.testing.TreeAssertions;
import dev.ferry.transfer.testing.TreeFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes changed on the way are detected, the transfer fails with IMAGE_CHECKSUM_MISMATCH, nothing is left. */
class CorruptionTest {
  @TempDir Path tmp;

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of("flipped bit in a zstd chunk", Compression.zstd(1), FrameTampering.flipByteInChunk(3)),
        Arguments.of("flipped bit in a raw chunk", Compression.none(), FrameTampering.flipByteInChunk(3)),
        Arguments.of("chunk CRC and data both changed", Compression.none(), new FrameTampering(f -> {
          if (f.hasChunk() && f.getChunk().getOffset() == 0 && !f.getChunk().getData().isEmpty()) {
            byte[] d = f.getChunk().getData().toByteArray();
            d[0] ^= 1;
            var crc = new java.util.zip.CRC32C();
            crc.update(d);
            return f.toBuilder().setChunk(f.getChunk().toBuilder().setData(ByteString.copyFrom(d)).setCrc32C((int) crc.getValue())).build();
          }
          return f;
        })),
        Arguments.of("a data page marked zero", Compression.none(), flipZeroPageBit()),
        Arguments.of("a data page marked zero (zstd)", Compression.zstd(1), flipZeroPageBit()),
        Arguments.of("wrong whole-file hash", Compression.zstd(1), new FrameTampering(f -> f.hasFileEnd()
            ? f.toBuilder().setFileEnd(f.getFileEnd().toBuilder().setDigest(ByteString.copyFrom(new byte[16]))).build()
            : f)));
  }

  /** Flips the map bit of a data page in the second chunk that has a map: a page goes missing. */
  private static FrameTampering flipZeroPageBit() {
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    return new FrameTampering(f -> {
      if (f.hasChunk() && !f.getChunk().getZeroPages().isEmpty() && seen.getAndIncrement() == 1) {
        byte[] map = f.getChunk().getZeroPages().toByteArray();
        int page = 0;
        while ((map[page / 8] & (1 << (page % 8))) != 0) {
          page++;
        }
        map[page / 8] |= (byte) (1 << (page % 8));
        return f.toBuilder().setChunk(f.getChunk().toBuilder().setZeroPages(ByteString.copyFrom(map))).build();
      }
      return f;
    });
  }

  @Test
  void aZeroPageMapThatDoesNotFitItsChunkIsRefusedAsInvalid() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.mixedPages(source.resolve("pages-1.img"), 1 << 20, 1);
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    FrameTampering longMap = new FrameTampering(f -> f.hasChunk() && !f.getChunk().getZeroPages().isEmpty()
        ? f.toBuilder().setChunk(f.getChunk().toBuilder().setZeroPages(f.getChunk().getZeroPages().concat(ByteString.copyFrom(new byte[1])))).build()
        : f);
    try (InProcessTransfer transfer = new InProcessTransfer(new MigrationDirs(migration, "m1", "t", "node-a"), longMap)) {
      SendRequest request = new SendRequest(source, "m1", "t", "node-a", "images", TransferKind.IMAGES,
          TransferOptions.defaults().withCompression(Compression.none()).withChunkBytes(64 << 10).withWindow(256 << 10));
      assertThatThrownBy(() -> TreeSender.send(transfer.channel(), request, s -> { }))
          .isInstanceOfSatisfying(TransferException.class, e -> {
            assertThat(e.reason()).isEqualTo(FailureReason.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("zero-page map of 3 bytes", "takes 2");
          });
      assertThat(TreeAssertions.listAll(migration)).containsExactly(migration);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void detectsCorruptionAndLeavesNothing(String name, Compression compression, FrameTampering tampering) throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    TreeFixtures.mixedPages(source.resolve("pages-1.img"), 2 << 20, 1);
    TreeFixtures.mixedPages(source.resolve("pages-2.img"), 1 << 20, 2);
    Path migration = Files.createDirectories(tmp.resolve("m1"));
    MigrationDirs dirs = new MigrationDirs(migration, "m1", "t", "node-a");
    try (InProcessTransfer transfer = new InProcessTransfer(dirs, tampering)) {
      SendRequest request = new SendRequest(source, "m1", "t", "node-a", "images", TransferKind.IMAGES,
          TransferOptions.defaults().withCompression(compression).withChunkBytes(64 << 10).withWindow(256 << 10));

      assertThatThrownBy(() -> TreeSender.send(transfer.channel(), request, s -> { }))
          .isInstanceOfSatisfying(TransferException.class, e -> {
            assertThat(e.reason()).isEqualTo(FailureReason.IMAGE_CHECKSUM_MISMATCH);
            assertThat(e.retryable()).isFalse();
          });
      assertThat(tampering.tampered.get()).isPositive();
      // Neither the destination nor its staging directory survives: nothing can be restored from it.
      assertThat(TreeAssertions.listAll(migration)).containsExactly(migration);
    }
  }
}
