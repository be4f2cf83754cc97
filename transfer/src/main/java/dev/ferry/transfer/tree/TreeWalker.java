package dev.ferry.transfer.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Walks a directory without following symlinks and describes every entry with its metadata. */
public final class TreeWalker {
  private static final Logger log = LoggerFactory.getLogger(TreeWalker.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFLNK = 0120000;

  private TreeWalker() {}

  public static Manifest walk(Path root) {
    Walk walk = new Walk(root);
    try {
      walk.directory(root, lstat(root));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + root + ": " + e.getMessage(), e);
    }
    return new Manifest(walk.entries, walk.files);
  }

  /** One walk's results. One lstat per entry: the walk is the sender's first step, before any byte goes out. */
  private static final class Walk {
    final Path root;
    final List<Entry> entries = new ArrayList<>();
    final List<Entry.RegularFile> files = new ArrayList<>();
    final Map<String, String> firstPathByInode = new HashMap<>();

    Walk(Path root) {
      this.root = root;
    }

    void directory(Path dir, Map<String, Object> unix) throws IOException {
      if (type(unix) != S_IFDIR) {
        throw new NotDirectoryException(dir.toString());
      }
      entries.add(new Entry.Directory(relative(root, dir), attributes(unix)));
      try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
        for (Path child : children) {
          Map<String, Object> childUnix = lstat(child);
          if (type(childUnix) == S_IFDIR) {
            directory(child, childUnix);
          } else {
            nonDirectory(child, childUnix);
          }
        }
      }
    }

    private void nonDirectory(Path file, Map<String, Object> unix) throws IOException {
      String path = relative(root, file);
      EntryAttributes meta = attributes(unix);
      switch (type(unix)) {
        case S_IFLNK -> entries.add(new Entry.Symlink(path, Files.readSymbolicLink(file).toString(), meta));
        case S_IFREG -> {
          String inode = unix.get("dev") + ":" + unix.get("ino");
          String first = (Integer) unix.get("nlink") > 1 ? firstPathByInode.putIfAbsent(inode, path) : null;
          if (first != null) {
            entries.add(new Entry.Hardlink(path, first));
          } else {
            Entry.RegularFile f = new Entry.RegularFile(path, files.size(), (Long) unix.get("size"), meta);
            files.add(f);
            entries.add(f);
          }
        }
        default -> Entry.SpecialType.ofModeBits(type(unix)).ifPresentOrElse(special -> entries.add(special(path, special, unix, meta)),
            // Unix sockets belong to running processes; CRIU and the restored container recreate them.
            () -> log.debug("skipping socket or unknown file type {} at {}", Integer.toOctalString(type(unix)), path));
      }
    }

    private static Entry.Special special(String path, Entry.SpecialType type, Map<String, Object> unix, EntryAttributes meta) {
      long rdev = type == Entry.SpecialType.FIFO ? 0 : (Long) unix.get("rdev");
      return new Entry.Special(path, type, major(rdev), minor(rdev), meta);
    }
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

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString();
  }

  // Linux's dev_t encoding (glibc gnu_dev_major / gnu_dev_minor).
  static int major(long rdev) {
    return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
  }

  static int minor(long rdev) {
    return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
  }
}
