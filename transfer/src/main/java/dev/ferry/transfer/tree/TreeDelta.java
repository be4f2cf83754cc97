package dev.ferry.transfer.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed between two walks of a tree (the root filesystem before and after freeze), as a
 * manifest to send: changed and new regular files, replaced or new links and special files,
 * deletions, and every directory (for its metadata). A file counts as changed when its size,
 * mtime, mode or owner differ, as rsync decides by default: re-hashing every file after freeze
 * would cost a full read of the tree inside the blackout.
 */
public final class TreeDelta {
  private TreeDelta() {}

  public static Manifest between(Manifest before, Manifest after) {
    return between(before, after, Set.of());
  }

  /**
   * @param stale regular files of {@code before} whose copy on the target is not what {@code before} says
   *              (gone when the pass read them): sent again if they are files now, even when unchanged
   */
  public static Manifest between(Manifest before, Manifest after, Set<String> stale) {
    Map<String, Entry> old = new HashMap<>();
    before.entries().forEach(e -> old.put(e.path(), e));
    Set<String> now = new HashSet<>();
    after.entries().forEach(e -> now.add(e.path()));

    List<Entry> deletions = new ArrayList<>();
    List<Entry> changes = new ArrayList<>();
    List<Entry.RegularFile> files = new ArrayList<>();
    Set<String> rewritten = new HashSet<>();
    for (Entry e : after.entries()) {
      Entry was = old.get(e.path());
      switch (e) {
        case Entry.Directory d -> {
          if (was != null && !(was instanceof Entry.Directory)) {
            deletions.add(new Entry.Deleted(d.path()));
          }
          changes.add(d); // always: directory metadata is applied after the changes inside it
        }
        case Entry.RegularFile f -> {
          if (!(was instanceof Entry.RegularFile w) || w.size() != f.size() || !w.attributes().equals(f.attributes())
              || stale.contains(f.path())) {
            // The receiver replaces whatever is at the path when the new content arrives.
            Entry.RegularFile renumbered = new Entry.RegularFile(f.path(), files.size(), f.size(), f.attributes());
            files.add(renumbered);
            rewritten.add(f.path());
            changes.add(renumbered);
          }
        }
        default -> {
          // A hardlink to a rewritten file must be linked again: the new content has a new inode.
          boolean relink = e instanceof Entry.Hardlink h && rewritten.contains(h.target());
          if (!e.equals(was) || relink) {
            if (was != null) {
              deletions.add(new Entry.Deleted(e.path()));
            }
            changes.add(e);
          }
        }
      }
    }
    for (Entry e : before.entries()) {
      if (!now.contains(e.path()) && !parentDeleted(e.path(), now, old)) {
        deletions.add(new Entry.Deleted(e.path()));
      }
    }
    List<Entry> entries = new ArrayList<>(deletions); // deletions first: a new entry may take a freed name
    entries.addAll(changes);
    return new Manifest(entries, files);
  }

  /** Only the top-most deleted path is sent: deleting a directory deletes what it held. */
  private static boolean parentDeleted(String path, Set<String> now, Map<String, Entry> old) {
    String parent = RelativePath.parent(path);
    return !parent.isEmpty() && old.containsKey(parent) && !now.contains(parent);
  }
}
