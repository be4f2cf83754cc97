package dev.ferry.timesync;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ferry.timesync.internal.criu.CriuTimens.TimensEntry;
import dev.ferry.timesync.internal.criu.CriuTimens.Timespec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * CRIU's {@code timens-<id>.img}: the container's CLOCK_MONOTONIC and CLOCK_BOOTTIME as CRIU
 * read them inside the container's time namespace during the dump. On restore CRIU sets the
 * new namespace's offsets so these clocks continue from exactly these values, so rewriting
 * them before restore is how Ferry chooses what the container's clocks do across a migration.
 *
 * <p>Layout (CRIU images v1.1, little-endian): the common image magic {@code 0x54564319}, the
 * timens magic {@code 0x43114433}, then one entry: a 4-byte length and a protobuf
 * {@code TimensEntry}. Fields Ferry does not know are kept when it rewrites the image.
 */
public final class TimensImage {
  static final int IMG_COMMON_MAGIC = 0x54564319;
  static final int TIMENS_MAGIC = 0x43114433;
  private static final int HEADER = 12;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final TimensEntry entry;

  private TimensImage(TimensEntry entry) {
    this.entry = entry;
  }

  /** A new image holding these clocks. */
  public static TimensImage of(ClockReading clocks) {
    return new TimensImage(TimensEntry.newBuilder()
        .setMonotonic(timespec(clocks.monotonic())).setBoottime(timespec(clocks.boottime())).build());
  }

  public static TimensImage read(Path file) {
    try {
      return parse(file, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new CriuImageException(file, "cannot be read: " + e.getMessage(), e);
    }
  }

  /** The one timens image of a dump (CRIU names it after the namespace's id). */
  public static Path locate(Path imageDir) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> images = Files.newDirectoryStream(imageDir, "timens-*.img")) {
      images.forEach(found::add);
    } catch (IOException e) {
      throw new CriuImageException(imageDir, "cannot list the image directory: " + e.getMessage(), e);
    }
    if (found.size() != 1) {
      throw new CriuImageException(imageDir, found.isEmpty()
          ? "holds no timens-*.img: the container was not dumped with its own time namespace"
          : "holds " + found.size() + " timens images " + found + ": Ferry expects one time namespace per container");
    }
    return found.getFirst();
  }

  static TimensImage parse(Path file, byte[] bytes) {
    if (bytes.length < HEADER) {
      throw new CriuImageException(file, "is " + bytes.length + " bytes long, too short for a timens image (magic, magic, entry length)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int common = in.getInt();
    int timens = in.getInt();
    if (common != IMG_COMMON_MAGIC || timens != TIMENS_MAGIC) {
      throw new CriuImageException(file, String.format(
          "starts with magic 0x%08x 0x%08x, expected 0x%08x 0x%08x (a CRIU timens image)", common, timens, IMG_COMMON_MAGIC, TIMENS_MAGIC));
    }
    int size = in.getInt();
    if (size < 0 || size != in.remaining()) {
      throw new CriuImageException(file, "declares an entry of " + Integer.toUnsignedString(size) + " bytes but "
          + in.remaining() + " bytes follow (a timens image holds exactly one entry)");
    }
    try {
      TimensImage image = new TimensImage(TimensEntry.parseFrom(ByteBuffer.wrap(bytes, HEADER, size)));
      image.clocks();
      return image;
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new CriuImageException(file, "its entry is not a valid TimensEntry: " + e.getMessage(), e);
    }
  }

  public ClockReading clocks() {
    return new ClockReading(duration(entry.getMonotonic()), duration(entry.getBoottime()));
  }

  /** The same image with other clock values; unknown fields are kept. */
  public TimensImage withClocks(ClockReading clocks) {
    return new TimensImage(entry.toBuilder()
        .setMonotonic(entry.getMonotonic().toBuilder().mergeFrom(timespec(clocks.monotonic())))
        .setBoottime(entry.getBoottime().toBuilder().mergeFrom(timespec(clocks.boottime())))
        .build());
  }

  public byte[] toBytes() {
    byte[] body = entry.toByteArray();
    return ByteBuffer.allocate(HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(IMG_COMMON_MAGIC).putInt(TIMENS_MAGIC).putInt(body.length).put(body).array();
  }

  /** Replaces {@code file} atomically, so CRIU never sees a half-written image. */
  public void write(Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".ferry-tmp");
    try {
      Files.write(tmp, toBytes());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CriuImageException(file, "cannot be written: " + e.getMessage(), e);
    }
  }

  private static Timespec timespec(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a timens clock cannot be negative: " + d);
    }
    return Timespec.newBuilder().setTvSec(d.getSeconds()).setTvNsec(d.getNano()).build();
  }

  private static Duration duration(Timespec ts) {
    // CRIU writes normalized timespecs; the fields are unsigned on the wire.
    if (ts.getTvSec() < 0 || ts.getTvNsec() < 0 || ts.getTvNsec() >= NANOS_PER_SECOND) {
      throw new IllegalArgumentException("timespec out of range: " + Long.toUnsignedString(ts.getTvSec()) + " s "
          + Long.toUnsignedString(ts.getTvNsec()) + " ns");
    }
    return Duration.ofSeconds(ts.getTvSec(), ts.getTvNsec());
  }

  @Override
  public String toString() {
    ClockReading c = clocks();
    return "TimensImage[monotonic=" + c.monotonic() + ", boottime=" + c.boottime() + "]";
  }
}
