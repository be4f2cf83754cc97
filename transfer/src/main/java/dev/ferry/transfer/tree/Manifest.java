package dev.ferry.transfer.tree;

import java.util.List;

/**
 * A walked tree: every entry in walk order (parents before children), and its regular files
 * by index.
 */
public record Manifest(List<Entry> entries, List<Entry.RegularFile> files) {
  public Manifest {
    entries = List.copyOf(entries);
    files = List.copyOf(files);
  }

  public long bytesTotal() {
    return files.stream().mapToLong(Entry.RegularFile::size).sum();
  }

  /** Everything except regular file content: sent on the commit call. */
  public List<Entry> structure() {
    return entries.stream().filter(e -> !(e instanceof Entry.RegularFile)).toList();
  }
}
