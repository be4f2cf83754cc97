package dev.ferry.agent.runtime;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Removes what a crashed run or a failed restore left of a container's cgroups. A leftover
 * (crun's {@code .proxy-crun} child, say) makes the next {@code crun run} or {@code crun
 * restore} at that path fail ("write file devices.deny: Invalid argument": cgroup v1 refuses
 * to reset device rules of a cgroup with children). Only empty cgroups go: the kernel refuses
 * {@code rmdir} of a cgroup that still has tasks, so a live container is never touched.
 */
public final class StaleCgroups {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private final ProcessRunner runner;

  public StaleCgroups(ProcessRunner runner) {
    this.runner = runner;
  }

  /** @param cgroupPath the container's cgroupsPath, e.g. {@code /ferry/nodeA/ct42} */
  public void clear(String cgroupPath) {
    try (Stream<Path> hierarchies = Files.list(ROOT)) {
      for (Path hierarchy : hierarchies.toList()) {
        Path dir = hierarchy.resolve(cgroupPath.substring(1));
        if (Files.isDirectory(dir)) {
          // Depth first, children before parents; rmdir of a busy cgroup fails and is left alone.
          runner.run(ProcessSpec.of("find", dir.toString(), "-depth", "-type", "d", "-exec", "rmdir", "{}", ";"));
        }
      }
    } catch (java.io.IOException e) {
      // no cgroup filesystem to clean
    }
  }
}
