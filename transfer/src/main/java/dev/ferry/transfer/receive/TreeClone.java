package dev.ferry.transfer.receive;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copies a tree as hardlinks (like {@code cp -al}): a delta then writes changed files as new
 * inodes and leaves its base intact, at the cost of no data copy. Symlinks, device nodes and
 * FIFOs are linked too (link(2) does not follow symlinks).
 */
final class TreeClone {
  private TreeClone() {}

  static void hardlinkCopy(Path base, Path into) throws IOException {
    Files.walkFileTree(base, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path copy = into.resolve(base.relativize(dir).toString());
        if (!dir.equals(base)) {
          Files.createDirectory(copy);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.createLink(into.resolve(base.relativize(file).toString()), file);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
