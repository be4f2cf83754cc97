package dev.ferry.transfer.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.EntryAttributes;
import dev.ferry.transfer.tree.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class FileDiscoveryTest {
  private static final EntryAttributes META = new EntryAttributes(0100644, 0, 0, 0);
  private static final long MIB = 1 << 20;

  private static Entry.RegularFile file(String path, int index, long size) {
    return new Entry.RegularFile(path, index, size, META);
  }

  @Test
  void largeFilesGoFirstLargestFirstThenSmallOnesInWalkOrderADirectoryTogether() {
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry.Directory("", META));
    entries.add(file("a/1", 0, 10));
    entries.add(file("a/2", 1, 5 * MIB));
    entries.add(file("a/3", 2, 300));
    entries.add(file("b/1", 3, 64 * MIB));
    entries.add(file("b/2", 4, 0));
    entries.add(file("b/3", 5, MIB));
    List<Entry.RegularFile> files = entries.stream().filter(Entry.RegularFile.class::isInstance).map(Entry.RegularFile.class::cast).toList();
    ConcurrentLinkedQueue<Entry.RegularFile> queue = new ConcurrentLinkedQueue<>();

    new FileDiscovery(() -> new Manifest(entries, files), () -> true, queue).scan();

    assertThat(queue).extracting(Entry::path).containsExactly("b/1", "a/2", "b/3", "a/1", "a/3", "b/2");
  }
}
