package dev.ferry.transfer.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
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
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFIFO = 0010000;

  private TreeWalker() {}

  public static Manifest walk(Path root) {
    List<Entry> entries = new ArrayList<>();
    List<Entry.RegularFile> files = new ArrayList<>();
    Map<String, String> firstPathByInode = new HashMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          entries.add(new Entry.Directory(relative(root, dir), attributes(dir)));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String path = relative(root, file);
          Map<String, Object> unix = Files.readAttributes(file, "unix:mode,uid,gid,ino,dev,nlink,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
          EntryAttributes meta = attributes(unix);
          if (attrs.isSymbolicLink()) {
            entries.add(new Entry.Symlink(path, Files.readSymbolicLink(file).toString(), meta));
          } else if (attrs.isRegularFile()) {
            String inode = unix.get("dev") + ":" + unix.get("ino");
            String first = (Integer) unix.get("nlink") > 1 ? firstPathByInode.putIfAbsent(inode, path) : null;
            if (first != null) {
              entries.add(new Entry.Hardlink(path, first));
            } else {
              Entry.RegularFile f = new Entry.RegularFile(path, files.size(), attrs.size(), meta);
              files.add(f);
              entries.add(f);
            }
          } else {
            special(path, unix, meta);
          }
          return FileVisitResult.CONTINUE;
        }

        private void special(String path, Map<String, Object> unix, EntryAttributes meta) {
          int type = (Integer) unix.get("mode") & S_IFMT;
          long rdev = (Long) unix.get("rdev");
          switch (type) {
            case S_IFCHR -> entries.add(new Entry.Special(path, Entry.SpecialType.CHAR_DEVICE, major(rdev), minor(rdev), meta));
            case S_IFBLK -> entries.add(new Entry.Special(path, Entry.SpecialType.BLOCK_DEVICE, major(rdev), minor(rdev), meta));
            case S_IFIFO -> entries.add(new Entry.Special(path, Entry.SpecialType.FIFO, 0, 0, meta));
            // Unix sockets belong to running processes; CRIU and the restored container recreate them.
            default -> log.debug("skipping socket or unknown file type {} at {}", Integer.toOctalString(type), path);
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + root + ": " + e.getMessage(), e);
    }
    return new Manifest(entries, files);
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
