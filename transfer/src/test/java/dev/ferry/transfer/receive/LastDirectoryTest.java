package dev.ferry.transfer.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A call's files created relative to the directory it last created one in. */
class LastDirectoryTest {
  @TempDir
  Path root;

  private static void create(LastDirectory last, Path root, String parent, String name) throws IOException {
    Path dir = parent.isEmpty() ? root : root.resolve(parent);
    int fd = last.create(parent, dir, name, 0644, dir.resolve(name));
    NativeFiles.close(fd);
  }

  @Test
  void filesLandInTheirDirectoriesWhileTheCallMovesBetweenThem() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Files.createDirectories(root.resolve("c"));
    try (LastDirectory last = new LastDirectory()) {
      create(last, root, "a/b", "1");
      assertThat(last.holds("a/b")).isTrue();
      create(last, root, "a/b", "2");
      create(last, root, "", "top");
      create(last, root, "c", "3");
      create(last, root, "a/b", "4");
      assertThat(last.holds("c")).isFalse();
    }
    assertThat(root.resolve("a/b/1")).isRegularFile();
    assertThat(root.resolve("a/b/2")).isRegularFile();
    assertThat(root.resolve("top")).isRegularFile();
    assertThat(root.resolve("c/3")).isRegularFile();
    assertThat(root.resolve("a/b/4")).isRegularFile();
  }

  @Test
  void aSymlinkedDirectoryAndAnExistingNameAreRefused() throws IOException {
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    Files.createSymbolicLink(root.resolve("link"), elsewhere);
    Files.createDirectories(root.resolve("d"));
    Files.writeString(root.resolve("d/taken"), "x");
    try (LastDirectory last = new LastDirectory()) {
      assertThatThrownBy(() -> create(last, root, "link", "f")).isInstanceOf(IOException.class).hasMessageContaining("Not a directory");
      assertThat(elsewhere).isEmptyDirectory();
      assertThatThrownBy(() -> create(last, root, "d", "taken")).isInstanceOf(FileAlreadyExistsException.class);
      Files.createSymbolicLink(root.resolve("d/escape"), elsewhere.resolve("f"));
      assertThatThrownBy(() -> create(last, root, "d", "escape")).isInstanceOf(FileAlreadyExistsException.class);
      assertThat(elsewhere).isEmptyDirectory();
    }
  }

  @Test
  void anEndedCallCreatesNothing() throws IOException {
    LastDirectory last = new LastDirectory();
    create(last, root, "", "before");
    last.close();

    assertThat(last.holds("")).isFalse();
    assertThatThrownBy(() -> create(last, root, "", "after")).isInstanceOf(IOException.class).hasMessageContaining("has ended");
    assertThat(root.resolve("after")).doesNotExist();
  }
}
