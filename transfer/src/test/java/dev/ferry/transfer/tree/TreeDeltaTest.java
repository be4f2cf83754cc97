package dev.ferry.transfer.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TreeDeltaTest {
  private static final EntryAttributes A = new EntryAttributes(0644, 0, 0, 1_000);
  private static final EntryAttributes NEWER = new EntryAttributes(0644, 0, 0, 2_000);

  private static Manifest manifest(Entry... entries) {
    List<Entry.RegularFile> files = java.util.Arrays.stream(entries)
        .filter(Entry.RegularFile.class::isInstance).map(Entry.RegularFile.class::cast).toList();
    return new Manifest(List.of(entries), files);
  }

  @Test
  void sendsChangedAndNewFilesRenumberedAndEveryDirectory() {
    Manifest before = manifest(new Entry.Directory("", A), new Entry.RegularFile("same", 0, 5, A),
        new Entry.RegularFile("grown", 1, 5, A), new Entry.RegularFile("touched", 2, 5, A));
    Manifest after = manifest(new Entry.Directory("", A), new Entry.RegularFile("same", 0, 5, A),
        new Entry.RegularFile("grown", 1, 9, A), new Entry.RegularFile("touched", 2, 5, NEWER),
        new Entry.RegularFile("new", 3, 1, A));

    Manifest delta = TreeDelta.between(before, after);

    assertThat(delta.files()).extracting(Entry.RegularFile::path).containsExactly("grown", "touched", "new");
    assertThat(delta.files()).extracting(Entry.RegularFile::index).containsExactly(0, 1, 2);
    assertThat(delta.structure()).containsExactly(new Entry.Directory("", A));
  }

  @Test
  void sendsAStaleFileAgainThoughItsSizeAndMtimeAreUnchanged() {
    Manifest before = manifest(new Entry.RegularFile("etc/app.conf", 0, 5, A), new Entry.RegularFile("gone", 1, 5, A),
        new Entry.RegularFile("same", 2, 5, A));
    Manifest after = manifest(new Entry.RegularFile("etc/app.conf", 0, 5, A), new Entry.RegularFile("same", 1, 5, A));

    Manifest delta = TreeDelta.between(before, after, java.util.Set.of("etc/app.conf", "gone"));

    assertThat(delta.files()).extracting(Entry.RegularFile::path).containsExactly("etc/app.conf");
    assertThat(delta.entries()).contains(new Entry.Deleted("gone"));
  }

  @Test
  void deletesOnlyTheTopMostRemovedPathAndDeletesFirst() {
    Manifest before = manifest(new Entry.Directory("", A), new Entry.Directory("old", A),
        new Entry.Directory("old/deep", A), new Entry.RegularFile("old/deep/f", 0, 1, A), new Entry.RegularFile("gone", 1, 1, A));
    Manifest after = manifest(new Entry.Directory("", A));

    Manifest delta = TreeDelta.between(before, after);

    assertThat(delta.entries()).containsExactly(new Entry.Deleted("old"), new Entry.Deleted("gone"), new Entry.Directory("", A));
  }

  @Test
  void replacesChangedLinksAndRelinksHardlinksToRewrittenFiles() {
    Manifest before = manifest(new Entry.RegularFile("bin/busybox", 0, 10, A), new Entry.Hardlink("bin/ls", "bin/busybox"),
        new Entry.Symlink("bin/sh", "busybox", A), new Entry.Directory("var/empty", A));
    Manifest after = manifest(new Entry.RegularFile("bin/busybox", 0, 11, A), new Entry.Hardlink("bin/ls", "bin/busybox"),
        new Entry.Symlink("bin/sh", "/bin/busybox", A), new Entry.RegularFile("var/empty", 1, 3, A));

    Manifest delta = TreeDelta.between(before, after);

    assertThat(delta.entries()).startsWith(new Entry.Deleted("bin/ls"), new Entry.Deleted("bin/sh"));
    assertThat(delta.structure()).contains(new Entry.Hardlink("bin/ls", "bin/busybox"), new Entry.Symlink("bin/sh", "/bin/busybox", A));
    // A directory that became a file is replaced when the file arrives, not deleted after it.
    assertThat(delta.entries()).doesNotContain(new Entry.Deleted("var/empty"));
    assertThat(delta.files()).extracting(Entry.RegularFile::path).containsExactly("bin/busybox", "var/empty");
  }
}
