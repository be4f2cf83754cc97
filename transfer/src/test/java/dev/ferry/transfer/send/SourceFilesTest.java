package dev.ferry.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream's source files, opened relative to their directory and read into the heap, against the real file system. */
class SourceFilesTest {
  @TempDir
  Path root;

  private static String readAll(SourceFiles files, String path) throws IOException {
    int fd = files.open(path);
    try {
      byte[] buffer = new byte[64];
      int n = SourceFiles.read(fd, buffer, buffer.length, 0, path);
      return new String(buffer, 0, n, StandardCharsets.UTF_8);
    } finally {
      SourceFiles.closeFile(fd);
    }
  }

  @Test
  void filesOfDirectoriesTakenInAnyOrderReadAsWritten() throws IOException {
    Files.createDirectories(root.resolve("a/deep"));
    Files.createDirectories(root.resolve("b"));
    for (String p : new String[] {"top", "a/one", "a/two", "a/deep/three", "b/four"}) {
      Files.writeString(root.resolve(p), "content of " + p);
    }
    try (SourceFiles files = new SourceFiles(root)) {
      for (String p : new String[] {"a/one", "a/two", "a/deep/three", "a/one", "top", "b/four", "a/two", "top"}) {
        assertThat(readAll(files, p)).isEqualTo("content of " + p);
      }
    }
  }

  @Test
  void aReadAtTheEndOfAGrowingFileReturnsWhatIsThereAndLaterTheRest() throws IOException {
    Path growing = Files.writeString(root.resolve("log"), "first ");
    try (SourceFiles files = new SourceFiles(root)) {
      int fd = files.open("log");
      byte[] buffer = new byte[32];
      assertThat(SourceFiles.read(fd, buffer, 32, 0, "log")).isEqualTo(6);
      assertThat(SourceFiles.read(fd, buffer, 32, 6, "log")).isZero();
      Files.writeString(growing, "second", StandardOpenOption.APPEND);
      assertThat(SourceFiles.read(fd, buffer, 32, 6, "log")).isEqualTo(6);
      assertThat(new String(buffer, 0, 6, StandardCharsets.UTF_8)).isEqualTo("second");
      SourceFiles.closeFile(fd);
    }
  }

  @Test
  void aSymlinkWhereTheWalkSawAFileAndAMissingFileAreRefusedWithTheirPath() throws IOException {
    Files.createDirectories(root.resolve("d"));
    Files.writeString(root.resolve("d/real"), "x");
    Files.createSymbolicLink(root.resolve("d/link"), Path.of("real"));
    try (SourceFiles files = new SourceFiles(root)) {
      assertThatThrownBy(() -> files.open("d/link")).isInstanceOf(dev.ferry.transfer.nativeio.SymlinkNowException.class)
          .hasMessage("open " + root.resolve("d/link") + ": Too many levels of symbolic links (errno 40)");
      assertThatThrownBy(() -> files.open("d/gone")).isInstanceOf(java.nio.file.NoSuchFileException.class)
          .hasMessageContaining(root.resolve("d/gone") + ": No such file or directory");
      assertThatThrownBy(() -> files.open("nodir/f")).isInstanceOf(IOException.class)
          .hasMessageContaining(root.resolve("nodir") + ": No such file or directory");
      assertThat(readAll(files, "d/real")).isEqualTo("x"); // a failure leaves the stream usable
    }
  }
}
