package dev.ferry.transfer.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;

/** Builds directory trees with the data and metadata a checkpoint or root filesystem holds. */
public final class TreeFixtures {
  public static final int PAGE = 4096;

  private TreeFixtures() {}

  /** Files of every kind of content, an empty dir, a symlink, a hardlink, odd modes, owners and mtimes. */
  public static void sampleTree(Path root) throws IOException {
    Files.createDirectories(root.resolve("sub/deeper"));
    Files.createDirectories(root.resolve("empty"));
    mixedPages(root.resolve("pages-1.img"), 3 * 1024 * 1024 + 123, 7);
    mixedPages(root.resolve("sub/deeper/core.img"), 200_000, 8);
    Files.write(root.resolve("zeros.img"), new byte[2 * 1024 * 1024]);
    Files.writeString(root.resolve("sub/text.txt"), "hello ferry\n".repeat(1000));
    Files.write(root.resolve("empty.img"), new byte[0]);
    Files.createSymbolicLink(root.resolve("link-abs"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(root.resolve("sub/link-rel"), Path.of("text.txt"));
    Files.createLink(root.resolve("sub/hard.txt"), root.resolve("sub/text.txt"));
    Files.setAttribute(root.resolve("sub/text.txt"), "unix:uid", 1234);
    Files.setAttribute(root.resolve("sub/text.txt"), "unix:gid", 4321);
    Files.setAttribute(root.resolve("sub/text.txt"), "unix:mode", 0640);
    Files.setAttribute(root.resolve("pages-1.img"), "unix:mode", 04755);
    Files.setAttribute(root.resolve("empty"), "unix:mode", 0700);
    Files.setLastModifiedTime(root.resolve("zeros.img"), FileTime.fromMillis(1_000_000_000_000L));
    Files.setLastModifiedTime(root.resolve("sub/deeper"), FileTime.fromMillis(1_100_000_000_000L));
  }

  /**
   * Realistic-entropy memory: a mix of zero pages, text-like pages and random pages, as a
   * CRIU pages image holds.
   */
  public static void mixedPages(Path file, long size, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] text = ("GET /index.html HTTP/1.1 Host: example.org user=alice id=%d; "
        + "the quick brown fox jumps over the lazy dog 0123456789\n").getBytes(StandardCharsets.US_ASCII);
    byte[] page = new byte[PAGE];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += PAGE) {
        int kind = random.nextInt(3);
        if (kind == 0) {
          java.util.Arrays.fill(page, (byte) 0);
        } else if (kind == 1) {
          for (int i = 0; i < PAGE; i++) {
            page[i] = text[(i + random.nextInt(4)) % text.length];
          }
        } else {
          random.nextBytes(page);
        }
        out.write(page, 0, (int) Math.min(PAGE, size - written));
      }
    }
  }

  /** Random (incompressible) content. */
  public static void randomFile(Path file, long size, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += buf.length) {
        random.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, size - written));
      }
    }
  }
}
