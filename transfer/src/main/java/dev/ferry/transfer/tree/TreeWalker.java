package dev.ferry.transfer.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a directory without following symlinks and describes every entry with its metadata.
 * Directories are listed in parallel: the walk comes before a tree's first byte can go out (the
 * receiver checks the totals against its free disk first), and listing a root filesystem of
 * 20,000 files one directory at a time took 74 ms of a 640 ms transfer, nearly all of it in
 * getdents and statx calls made one after another.
 */
public final class TreeWalker {
  private static final Logger log = LoggerFactory.getLogger(TreeWalker.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;
  /** One worker per core: listing is short system calls, not waiting. Its threads end when idle. */
  private static final ForkJoinPool LISTERS = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

  private TreeWalker() {}

  public static Manifest walk(Path root) {
    try {
      Map<String, Object> unix = lstat(root);
      if (type(unix) != S_IFDIR) {
        throw new NotDirectoryException(root.toString());
      }
      List<Found> found = new ArrayList<>();
      found.add(Found.of("", unix, null));
      found.addAll(LISTERS.invoke(new Listing(root, "")));
      return describe(found);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + root + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot walk " + root + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * An entry as the listing found it, described as far as it can be alone.
   *
   * @param inode "dev:ino" of a regular file with more than one name, else null
   * @param linkTarget a symlink's target, else null
   */
  private record Found(String path, int type, EntryAttributes meta, long size, long rdev, String inode, String linkTarget) {
    static Found of(String path, Map<String, Object> unix, String linkTarget) {
      int type = TreeWalker.type(unix);
      String inode = type == S_IFREG && (Integer) unix.get("nlink") > 1 ? unix.get("dev") + ":" + unix.get("ino") : null;
      return new Found(path, type, attributes(unix), (Long) unix.get("size"), (Long) unix.get("rdev"), inode, linkTarget);
    }
  }

  /** The entries below one directory in walk order (each directory before its contents), its subdirectories listed in parallel. */
  private static final class Listing extends RecursiveTask<List<Found>> {
    private final Path dir;
    private final String relative;

    Listing(Path dir, String relative) {
      this.dir = dir;
      this.relative = relative;
    }

    @Override
    protected List<Found> compute() {
      List<Object> parts = new ArrayList<>(); // Found entries, and Listings of subdirectories in their place
      try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
        for (Path child : children) {
          String path = relative.isEmpty() ? child.getFileName().toString() : relative + "/" + child.getFileName();
          Found entry = found(child, path);
          if (entry == null) {
            continue;
          }
          parts.add(entry);
          if (entry.type() == S_IFDIR) {
            Listing below = new Listing(child, path);
            below.fork();
            parts.add(below);
          }
        }
      } catch (NoSuchFileException gone) {
        return List.of(); // removed while the walk went on: a tree in use (see below)
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<Found> all = new ArrayList<>(parts.size());
      for (Object part : parts) {
        if (part instanceof Listing below) {
          all.addAll(below.join());
        } else {
          all.add((Found) part);
        }
      }
      return all;
    }
  }

  /**
   * One entry, or null if it went away since its directory was listed: a root filesystem is walked
   * while its container runs (a migration's first pass), and what is gone is not part of the tree.
   */
  private static Found found(Path child, String path) throws IOException {
    try {
      Map<String, Object> unix = lstat(child);
      return Found.of(path, unix, type(unix) == S_IFLNK ? Files.readSymbolicLink(child).toString() : null);
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  /** Entries in walk order; regular files numbered in that order, a second name of one already seen a hardlink to it. */
  private static Manifest describe(List<Found> found) {
    List<Entry> entries = new ArrayList<>(found.size());
    List<Entry.RegularFile> files = new ArrayList<>();
    Map<String, String> firstPathByInode = new HashMap<>();
    for (Found f : found) {
      String path = f.path();
      switch (f.type()) {
        case S_IFDIR -> entries.add(new Entry.Directory(path, f.meta()));
        case S_IFLNK -> entries.add(new Entry.Symlink(path, f.linkTarget(), f.meta()));
        case S_IFREG -> {
          String first = f.inode() == null ? null : firstPathByInode.putIfAbsent(f.inode(), path);
          if (first != null) {
            entries.add(new Entry.Hardlink(path, first));
          } else {
            Entry.RegularFile file = new Entry.RegularFile(path, files.size(), f.size(), f.meta());
            files.add(file);
            entries.add(file);
          }
        }
        default -> Entry.SpecialType.ofModeBits(f.type()).ifPresentOrElse(special -> entries.add(special(path, special, f)),
            // Unix sockets belong to running processes; CRIU and the restored container recreate them.
            () -> log.debug("skipping socket or unknown file type {} at {}", Integer.toOctalString(f.type()), path));
      }
    }
    return new Manifest(entries, files);
  }

  private static Entry.Special special(String path, Entry.SpecialType type, Found f) {
    long rdev = type == Entry.SpecialType.FIFO ? 0 : f.rdev();
    return new Entry.Special(path, type, major(rdev), minor(rdev), f.meta());
  }

  private static Map<String, Object> lstat(Path p) throws IOException {
    return Files.readAttributes(p, "unix:mode,uid,gid,ino,dev,nlink,rdev,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
  }

  private static int type(Map<String, Object> unix) {
    return (Integer) unix.get("mode") & S_IFMT;
  }

  /** Current metadata of one path, without following a symlink. */
  public static EntryAttributes attributes(Path p) throws IOException {
    return attributes(Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS));
  }

  private static EntryAttributes attributes(Map<String, Object> unix) {
    long mtime = ((FileTime) unix.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
    return new EntryAttributes((Integer) unix.get("mode"), (Integer) unix.get("uid"), (Integer) unix.get("gid"), mtime);
  }

  // Linux's dev_t encoding (glibc gnu_dev_major / gnu_dev_minor).
  static int major(long rdev) {
    return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
  }

  static int minor(long rdev) {
    return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
  }
}
