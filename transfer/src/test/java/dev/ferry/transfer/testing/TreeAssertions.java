package dev.ferry.transfer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Compares two trees entry by entry: type, content, link target, mode, owner, mtime, hardlinks. */
public final class TreeAssertions {
  private TreeAssertions() {}

  public static void assertSameTree(Path expected, Path actual) {
    Map<String, String> a = describe(expected);
    Map<String, String> b = describe(actual);
    assertThat(b).isEqualTo(a);
  }

  public static Map<String, String> describe(Path root) {
    Map<String, String> out = new TreeMap<>();
    Map<Object, String> firstByInode = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> paths = walk.sorted().toList();
      // Links count only within this tree (a delta shares inodes with the pass it was cloned from).
      Map<Object, Integer> namesPerInode = new java.util.HashMap<>();
      for (Path p : paths) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          namesPerInode.merge(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS), 1, Integer::sum);
        }
      }
      for (Path p : paths) {
        String rel = root.relativize(p).toString();
        Map<String, Object> u = Files.readAttributes(p, "unix:mode,uid,gid,ino,nlink,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        String meta = "mode=" + Integer.toOctalString((Integer) u.get("mode")) + " owner=" + u.get("uid") + ":" + u.get("gid");
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "symlink->" + Files.readSymbolicLink(p) + " " + meta);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir " + meta + " mtime=" + u.get("lastModifiedTime"));
        } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "special " + meta + " rdev=" + u.get("rdev") + " mtime=" + u.get("lastModifiedTime"));
        } else {
          String link = "";
          if (namesPerInode.get(u.get("ino")) > 1) {
            String first = firstByInode.putIfAbsent(u.get("ino").toString(), rel);
            link = first == null ? " hardlinked" : " hardlink-of=" + first;
          }
          out.put(rel, "file " + meta + " mtime=" + u.get("lastModifiedTime") + " sha=" + sha256(p) + link);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static List<Path> listAll(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.toList();
    }
  }

  private static String sha256(Path p) throws IOException {
    try (var in = Files.newInputStream(p)) {
      var md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
