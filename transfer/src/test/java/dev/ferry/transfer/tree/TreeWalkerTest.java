package dev.ferry.transfer.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk lists directories in parallel, yet describes the tree exactly as one depth-first pass would. */
class TreeWalkerTest {
  @TempDir Path root;

  @Test
  void entriesComeInDepthFirstOrderWithFilesNumberedInThatOrder() throws IOException {
    for (int d = 0; d < 12; d++) {
      for (int s = 0; s < 5; s++) {
        Path dir = Files.createDirectories(root.resolve("d" + d + "/s" + s + "/deep"));
        Files.writeString(dir.resolveSibling("f" + d + s), "x".repeat(d * 10 + s));
        Files.writeString(dir.resolve("g"), "y");
      }
      Files.writeString(root.resolve("top" + d), "top");
    }

    Manifest manifest = TreeWalker.walk(root);

    List<String> sequential;
    try (Stream<Path> walk = Files.walk(root)) { // the JDK's depth-first walk, one directory at a time
      sequential = walk.map(p -> root.relativize(p).toString()).toList();
    }
    assertThat(manifest.entries()).extracting(Entry::path).containsExactlyElementsOf(sequential);
    assertThat(manifest.files()).extracting(Entry.RegularFile::index)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, manifest.files().size()).boxed().toList());
    assertThat(manifest.files()).extracting(Entry::path).isSubsetOf(sequential)
        .isSortedAccordingTo(java.util.Comparator.comparingInt(sequential::indexOf));
    assertThat(manifest.files()).filteredOn(f -> f.path().equals("d3/s4/f34")).singleElement()
        .satisfies(f -> assertThat(f.size()).isEqualTo(34));
    assertThat(manifest.entries().getFirst()).isInstanceOf(Entry.Directory.class).extracting(Entry::path).isEqualTo("");
  }

  @Test
  void aSecondNameOfAFileIsAHardlinkToTheFirstOneInWalkOrderAndSymlinksKeepTheirTargets() throws IOException {
    Path a = Files.createDirectories(root.resolve("a"));
    Path z = Files.createDirectories(root.resolve("z/inner"));
    Files.writeString(a.resolve("file"), "content");
    Files.createLink(z.resolve("again"), a.resolve("file"));
    Files.createSymbolicLink(z.resolve("link"), Path.of("../../a/file"));

    Manifest manifest = TreeWalker.walk(root);

    Entry.RegularFile file = manifest.files().getFirst();
    assertThat(manifest.files()).hasSize(1);
    String other = file.path().equals("a/file") ? "z/inner/again" : "a/file"; // whichever the walk met second
    assertThat(manifest.entries()).contains(new Entry.Hardlink(other, file.path()));
    assertThat(manifest.entries()).filteredOn(Entry.Symlink.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((Entry.Symlink) e).target()).isEqualTo("../../a/file"));
  }

  @Test
  void aRootThatIsNoDirectoryFailsTheWalkWithItsPath() throws IOException {
    Path file = Files.writeString(root.resolve("f"), "x");

    assertThatThrownBy(() -> TreeWalker.walk(file))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot walk " + file);
  }
}
