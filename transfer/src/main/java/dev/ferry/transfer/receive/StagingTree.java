package dev.ferry.transfer.receive;

import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.EntryAttributes;
import dev.ferry.transfer.tree.RelativePath;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The directory a transfer writes into. Every path is checked twice: syntactically (relative,
 * no '..') and on disk (no component is a symlink), so nothing lands outside the root.
 */
final class StagingTree {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path root;
  private final boolean startsFromCopy;
  /** Directories this tree created or checked: only this receiver writes here, so they stay so. */
  private final java.util.Set<Path> knownDirectories = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** The subset this tree made itself: owner and mode as {@link #created()} says until the commit sets them. */
  private final java.util.Set<Path> madeDirectories = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile Created created;

  /**
   * What an entry made here starts as: the root's owner (the agent's uid, and its gid or, under a
   * set-gid directory, that directory's) and, for a directory, the root's mode (mkdir's mode under
   * the same umask, set-gid inherited alike). An entry whose wanted owner or mode is that needs
   * no chown or chmod: 2000 files and 1358 directories of a root filesystem are mostly root's.
   */
  record Created(int uid, int gid, int directoryMode) {
    /**
     * A tree that starts as a copy of an earlier one: a new entry under a copied set-gid directory
     * takes that directory's group, so nothing is assumed (-1 is chown's own "no change").
     */
    static final Created UNKNOWN = new Created(NativeFiles.KEEP, NativeFiles.KEEP, NativeFiles.KEEP);

    boolean owns(EntryAttributes a) {
      return a.uid() == uid && a.gid() == gid;
    }

    /**
     * The mode to create a regular file with that should end up with {@code wanted}: that mode,
     * unless it has set-id or sticky bits (a chown would clear them, and such a file stays private
     * until sealed), or nothing is known of the umask.
     */
    int fileCreateMode(int wanted) {
      return directoryMode != NativeFiles.KEEP && (wanted & 07000) == 0 ? wanted & 0777 : 0600;
    }

    /** The mode a file created with {@code createMode} has: the umask took from it what it took from the root (mkdir's 0777). */
    int fileModeOnDisk(int createMode) {
      return directoryMode == NativeFiles.KEEP ? NativeFiles.KEEP : createMode & directoryMode & 0777;
    }
  }

  StagingTree(Path root) {
    this(root, false);
  }

  /** @param startsFromCopy the tree was filled with a copy of an earlier one (a root-filesystem delta) */
  StagingTree(Path root, boolean startsFromCopy) {
    this.root = root;
    this.startsFromCopy = startsFromCopy;
  }

  /** After a deletion a known directory may be gone (and its name reused by a symlink). */
  void forgetDirectories() {
    knownDirectories.clear();
    madeDirectories.clear();
  }

  Created created() throws IOException {
    Created c = created;
    if (c == null) {
      if (startsFromCopy) {
        c = Created.UNKNOWN;
      } else {
        var unix = Files.readAttributes(root, "unix:uid,gid,mode", NOFOLLOW);
        c = new Created((Integer) unix.get("uid"), (Integer) unix.get("gid"), (Integer) unix.get("mode") & 07777);
      }
      created = c;
    }
    return c;
  }

  Path root() {
    return root;
  }

  /** Resolves a path for a new entry, creating its parent directories; refuses symlinked parents. */
  Path resolveForWrite(String relative) throws IOException {
    RelativePath.check(relative, false);
    String[] parts = relative.split("/");
    Path current = root;
    for (int i = 0; i < parts.length - 1; i++) {
      current = current.resolve(parts[i]);
      ensureDirectory(current, relative);
    }
    // The entry itself is created exclusively (O_EXCL, no following): an existing symlink fails it.
    return current.resolve(parts[parts.length - 1]);
  }

  private void ensureDirectory(Path dir, String forPath) throws IOException {
    if (knownDirectories.contains(dir)) {
      return;
    }
    // mkdir first, look only when something is there: most directories of a tree are new, and
    // a look at a missing path costs a failed lstat and an exception per directory.
    try {
      Files.createDirectory(dir);
      knownDirectories.add(dir);
      madeDirectories.add(dir);
      return;
    } catch (FileAlreadyExistsException exists) {
      // made by an earlier pass or a parallel call, or not a directory at all: check below
    }
    BasicFileAttributes attrs = attributesIfExists(dir);
    if (attrs == null) {
      ensureDirectory(dir, forPath); // deleted between the two calls: try again
      return;
    }
    if (attrs.isSymbolicLink()) {
      throw TransferException.denied("path goes through a symlink, refused: " + forPath);
    }
    if (!attrs.isDirectory()) {
      throw TransferException.invalid(root.relativize(dir) + " is not a directory, so " + forPath + " cannot be made");
    }
    knownDirectories.add(dir);
  }

  /** Null when nothing is there; no exception is thrown for that common case (it is per file). */
  private static BasicFileAttributes attributesIfExists(Path p) throws IOException {
    return p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class, NOFOLLOW);
  }

  /** Creates one non-file entry. Symlinks must come last: nothing is ever written through them. */
  void create(Entry entry) throws IOException {
    switch (entry) {
      case Entry.Directory d -> {
        if (!d.path().isEmpty()) {
          ensureDirectory(resolveForWrite(d.path()), d.path()); // usually made already, as a file's parent
        }
      }
      case Entry.Symlink s -> Files.createSymbolicLink(resolveForWrite(s.path()), Path.of(s.target()));
      case Entry.Hardlink h -> {
        Path existing = resolveExisting(h.target());
        if (!Files.isRegularFile(existing, NOFOLLOW)) {
          throw TransferException.invalid("hardlink " + h.path() + " must name a regular file, " + h.target() + " is not one");
        }
        Files.createLink(resolveForWrite(h.path()), existing);
      }
      case Entry.Special s -> NativeFiles.mknod(resolveForWrite(s.path()), s.type().modeBits(), s.attributes().mode(), s.major(), s.minor());
      case Entry.Deleted d -> {
        Path p = resolveIfParentsExist(d.path());
        if (p != null) {
          deleteRecursively(p);
          forgetDirectories();
        }
      }
      case Entry.RegularFile f -> throw new IllegalArgumentException("regular files arrive as chunks: " + f.path());
    }
  }

  /** An existing path inside the tree whose parents are real directories (not symlinks). */
  Path resolveExisting(String relative) throws IOException {
    RelativePath.check(relative, false);
    Path current = root;
    String[] parts = relative.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      current = current.resolve(parts[i]);
      if (knownDirectories.contains(current)) {
        continue; // made or checked by this receiver, and no deletion since: still a real directory
      }
      if (Files.isSymbolicLink(current) || !Files.isDirectory(current, NOFOLLOW)) {
        throw TransferException.denied("path goes through a symlink or a non-directory, refused: " + relative);
      }
    }
    return current.resolve(parts[parts.length - 1]);
  }

  /** Like {@link #resolveExisting} but null when a parent is missing (already deleted with it). */
  private Path resolveIfParentsExist(String relative) throws IOException {
    RelativePath.check(relative, false);
    Path current = root;
    String[] parts = relative.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      current = current.resolve(parts[i]);
      if (Files.isSymbolicLink(current)) {
        throw TransferException.denied("path goes through a symlink, refused: " + relative);
      }
      if (!Files.isDirectory(current, NOFOLLOW)) {
        return null;
      }
    }
    return current.resolve(parts[parts.length - 1]);
  }

  /** Owner, mode and mtime of a directory, symlink or special file (regular files set theirs through their descriptor). */
  void applyAttributes(Path p, EntryAttributes a, boolean symlink) throws IOException {
    NativeFiles.setAttributes(p, symlink, a.uid(), a.gid(), a.mode(), a.mtimeNanos());
  }

  /** Like {@link #applyAttributes}, without the calls a directory this tree made does not need. */
  void applyDirectoryAttributes(Path dir, EntryAttributes a) throws IOException {
    Created c = created();
    boolean ownerRight = madeDirectories.contains(dir) && c.owns(a);
    boolean modeRight = ownerRight && (a.mode() & 07777) == c.directoryMode();
    NativeFiles.setAttributes(dir, false, ownerRight ? NativeFiles.KEEP : a.uid(), ownerRight ? NativeFiles.KEEP : a.gid(),
        modeRight ? NativeFiles.KEEP : a.mode(), a.mtimeNanos());
  }

  /** Deletes a path and, for a real directory (never a symlink's target), what it holds. */
  static void deleteRecursively(Path p) throws IOException {
    if (Files.isDirectory(p, NOFOLLOW)) {
      try (var children = Files.list(p)) {
        for (Path child : children.toList()) {
          deleteRecursively(child);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
