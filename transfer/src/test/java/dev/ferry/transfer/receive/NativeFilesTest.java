package dev.ferry.transfer.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.transfer.codec.ByteSlice;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver's libc calls against the real file system (the suite runs as root, as agents do). */
class NativeFilesTest {
  private static final long MTIME = 1_700_000_000_123_456_789L;

  @TempDir
  Path dir;

  @Test
  void aFileIsWrittenThenSealedWithLengthOwnerSetIdModeAndMtime() throws IOException {
    Path file = dir.resolve("f");
    int fd = NativeFiles.create(file);
    byte[] data = "hello, pages".getBytes();
    NativeFiles.write(fd, new ByteSlice(data, 0, 5), 0, file);
    NativeFiles.seal(fd, 8192, 1234, 5678, 04755, MTIME, file); // a trailing hole: only the length
    Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    assertThat((Integer) a.get("mode") & 07777).isEqualTo(04755);
    assertThat(a.get("uid")).isEqualTo(1234);
    assertThat(a.get("gid")).isEqualTo(5678);
    assertThat(a.get("size")).isEqualTo(8192L);
    assertThat(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS)).isEqualTo(MTIME);
    byte[] read = Files.readAllBytes(file);
    assertThat(new String(read, 0, 5)).isEqualTo("hello");
    assertThat(read[8191]).isZero();
  }

  @Test
  void aFileWhoseWritesMadeItsLengthKeepsIt() throws IOException {
    Path file = dir.resolve("f");
    int fd = NativeFiles.create(file);
    NativeFiles.write(fd, ByteSlice.of("hello".getBytes()), 0, file);
    byte[] message = "[pages]".getBytes(); // written from inside a larger array, as received chunks are
    NativeFiles.write(fd, new ByteSlice(message, 1, 5), 5, file);
    NativeFiles.seal(fd, NativeFiles.LENGTH_IS_RIGHT, 1234, 5678, 0644, MTIME, file);
    assertThat(Files.readString(file)).isEqualTo("hellopages");
    assertThat(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS)).isEqualTo(MTIME);
  }

  @Test
  void createRefusesAnExistingEntryAndASymlink() throws IOException {
    Path outside = Files.writeString(dir.resolve("outside"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve("link"), outside);
    assertThatThrownBy(() -> NativeFiles.create(outside)).isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> NativeFiles.create(link)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(outside)).isEqualTo("keep");
  }

  @Test
  void attributesAreNeverSetThroughASymlink() throws IOException {
    Path outside = Files.writeString(dir.resolve("outside"), "keep");
    Files.setAttribute(outside, "unix:mode", 0600);
    Path link = Files.createSymbolicLink(dir.resolve("link"), outside);
    // A path the receiver took for a directory but that is a symlink now: chmod must not follow it.
    assertThatThrownBy(() -> NativeFiles.setAttributes(link, false, 0, 0, 04777, MTIME))
        .isInstanceOf(IOException.class).hasMessageContaining("chmod " + link);
    assertThat((Integer) Files.getAttribute(outside, "unix:mode") & 07777).isEqualTo(0600);
    NativeFiles.setAttributes(link, true, 4321, 4321, 0, MTIME);
    assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(4321);
    assertThat(Files.getAttribute(outside, "unix:uid")).isEqualTo(0);
  }

  @Test
  void failuresSayWhatTheKernelSaid() {
    Path file = dir.resolve("never-opened");
    assertThatThrownBy(() -> NativeFiles.write(-1, ByteSlice.of(new byte[1]), 0, file))
        .isInstanceOf(IOException.class).hasMessage("write " + file + ": Bad file descriptor (errno 9)");
    assertThatThrownBy(() -> NativeFiles.create(dir.resolve("missing/f")))
        .hasMessageContaining("No such file or directory");
  }
}
