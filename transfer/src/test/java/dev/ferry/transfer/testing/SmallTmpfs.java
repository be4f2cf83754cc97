package dev.ferry.transfer.testing;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.SystemProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tmpfs of a few MiB mounted for one test: a disk that really fills up. Needs root. */
public final class SmallTmpfs implements AutoCloseable {
  private final ProcessRunner runner = new SystemProcessRunner();
  private final Path dir;

  public SmallTmpfs(Path dir, int megabytes) throws IOException {
    this.dir = Files.createDirectories(dir);
    runner.runChecked(ProcessSpec.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()));
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    runner.runChecked(ProcessSpec.of("umount", dir.toString()));
  }
}
