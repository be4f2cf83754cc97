package dev.ferry.transfer.send;

import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.Manifest;
import dev.ferry.transfer.tree.TreeWalker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Finds the regular files to send and queues each once. For a tree that is still being written
 * (pipelining: CRIU dumping while we send) it rescans until the writer is done, so files are
 * sent as they appear; file indices stay stable across scans.
 */
public final class FileDiscovery {
  /** A file that takes a stream a while (several chunks): worth starting early. */
  static final long LARGE_FILE_BYTES = 1 << 20;

  private final Supplier<Manifest> walker;
  private final BooleanSupplier writerDone;
  private final Queue<Entry.RegularFile> queue;
  private final Map<String, Integer> indices = new HashMap<>();
  private volatile boolean finished;
  private volatile boolean scannedComplete;
  private volatile Manifest manifest;

  public FileDiscovery(Path root, BooleanSupplier writerDone, Queue<Entry.RegularFile> queue) {
    this(() -> TreeWalker.walk(root), writerDone, queue);
  }

  /** @param walker what the tree is now (a walk, or a precomputed delta) */
  public FileDiscovery(Supplier<Manifest> walker, BooleanSupplier writerDone, Queue<Entry.RegularFile> queue) {
    this.walker = walker;
    this.writerDone = writerDone;
    this.queue = queue;
  }

  /** Scans until the writer is done (at once for a finished tree), then once more. */
  public void run(long pollMillis) throws InterruptedException {
    while (!writerDone.getAsBoolean()) {
      scan();
      Thread.sleep(pollMillis);
    }
    if (!scannedComplete) {
      scan(); // the last look, after the writer finished
    }
    finished = true;
  }

  /** One scan: queues new files (largest first) and returns the tree as it is now. */
  public synchronized Manifest scan() {
    boolean complete = writerDone.getAsBoolean(); // read before walking: later writes are not seen
    Manifest walked = walker.get();
    List<Entry.RegularFile> fresh = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (Entry e : walked.entries()) {
      if (e instanceof Entry.RegularFile f) {
        Integer index = indices.get(f.path());
        if (index == null) {
          index = indices.size();
          indices.put(f.path(), index);
          fresh.add(new Entry.RegularFile(f.path(), index, f.size(), f.attributes()));
        }
        entries.add(new Entry.RegularFile(f.path(), index, f.size(), f.attributes()));
      } else {
        entries.add(e);
      }
    }
    List<Entry.RegularFile> files = entries.stream().filter(Entry.RegularFile.class::isInstance)
        .map(Entry.RegularFile.class::cast).sorted(Comparator.comparingInt(Entry.RegularFile::index)).toList();
    manifest = new Manifest(entries, files);
    queue.addAll(sendingOrder(fresh));
    scannedComplete |= complete;
    return manifest;
  }

  /**
   * Large files first, largest first: the streams finish together instead of one big file ending
   * alone. Then the small ones in walk order, a directory's files together: each stream opens
   * them relative to the directory it is in ({@link SourceFiles}), so a root filesystem in size
   * order made it open a directory for 19,589 of 20,000 files.
   */
  static List<Entry.RegularFile> sendingOrder(List<Entry.RegularFile> files) {
    List<Entry.RegularFile> large = new ArrayList<>();
    List<Entry.RegularFile> small = new ArrayList<>();
    for (Entry.RegularFile f : files) {
      (f.size() >= LARGE_FILE_BYTES ? large : small).add(f);
    }
    large.sort(Comparator.comparingLong(Entry.RegularFile::size).reversed());
    large.addAll(small); // already in walk order: indices are given in it
    return large;
  }

  /** True once the writer is done and the last scan queued everything. */
  public boolean finished() {
    return finished;
  }

  /** The tree as last scanned (final once {@link #finished()}). */
  public Manifest manifest() {
    return manifest;
  }

  public boolean writerDone() {
    return writerDone.getAsBoolean();
  }
}
