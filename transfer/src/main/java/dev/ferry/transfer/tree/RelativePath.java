package dev.ferry.transfer.tree;

import dev.ferry.transfer.TransferException;

/** Syntactic checks on paths received from a peer: relative, no '..', no empty or odd parts. */
public final class RelativePath {
  private RelativePath() {}

  /** Returns {@code path} if it names something inside the tree; "" (the root) only if allowed. */
  public static String check(String path, boolean rootAllowed) {
    if (path == null) {
      throw TransferException.invalid("path is missing");
    }
    if (path.isEmpty()) {
      if (rootAllowed) {
        return path;
      }
      throw TransferException.invalid("empty path where a file name is required");
    }
    if (path.startsWith("/")) {
      throw TransferException.denied("absolute path refused: " + path);
    }
    if (path.indexOf('\0') >= 0) {
      throw TransferException.invalid("path contains a NUL byte: " + path.replace('\0', '?'));
    }
    for (String part : path.split("/", -1)) {
      if (part.equals("..")) {
        throw TransferException.denied("path leaves the destination through '..': " + path);
      }
      if (part.isEmpty() || part.equals(".")) {
        throw TransferException.invalid("path has an empty or '.' component: " + path);
      }
    }
    return path;
  }

  /** The directory holding {@code path} ('/'-separated): "" (the root) for a top-level name. */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /** The last component of {@code path}. */
  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
