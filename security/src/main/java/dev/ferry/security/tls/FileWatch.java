package dev.ferry.security.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/** Notices that any of a set of files changed (modification time or size) since the last look. */
final class FileWatch {
  private final List<Path> files;
  private List<String> seen;

  FileWatch(List<Path> files) {
    this.files = List.copyOf(files);
    this.seen = stamps();
  }

  /** True once per change; a missing file (mid-rotation) counts as no change. */
  synchronized boolean changed() {
    List<String> now = stamps();
    if (now == null || now.equals(seen)) {
      return false;
    }
    seen = now;
    return true;
  }

  private List<String> stamps() {
    try {
      String[] s = new String[files.size()];
      for (int i = 0; i < s.length; i++) {
        FileTime t = Files.getLastModifiedTime(files.get(i));
        s[i] = t.toMillis() + ":" + Files.size(files.get(i));
      }
      return List.of(s);
    } catch (IOException e) {
      return null;
    }
  }
}
