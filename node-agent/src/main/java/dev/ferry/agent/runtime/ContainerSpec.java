package dev.ferry.agent.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the agent needs to write a container's OCI config.
 *
 * @param rootfs           the root filesystem directory (inside the bundle, or absolute)
 * @param memoryLimitBytes 0 for no limit
 * @param cpuMillicores    0 for no limit
 * @param netnsPath        a named network namespace to join, or null for a new private one
 */
public record ContainerSpec(
    ContainerId id,
    Path rootfs,
    List<String> args,
    Map<String, String> env,
    String workingDir,
    long memoryLimitBytes,
    long cpuMillicores,
    TimeOffsets timeOffsets,
    Path netnsPath) {

  public ContainerSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(rootfs, "rootfs");
    args = List.copyOf(args);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("container " + id + " needs a command to run");
    }
    env = Map.copyOf(env);
    workingDir = workingDir == null || workingDir.isBlank() ? "/" : workingDir;
    if (!workingDir.startsWith("/")) {
      throw new IllegalArgumentException("working directory must be absolute, was '" + workingDir + "'");
    }
    if (memoryLimitBytes < 0 || cpuMillicores < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
    timeOffsets = timeOffsets == null ? TimeOffsets.ZERO : timeOffsets;
  }

  public static ContainerSpec of(ContainerId id, Path rootfs, List<String> args) {
    return new ContainerSpec(id, rootfs, args, Map.of(), "/", 0, 0, TimeOffsets.ZERO, null);
  }

  public ContainerSpec withTimeOffsets(TimeOffsets offsets) {
    return new ContainerSpec(id, rootfs, args, env, workingDir, memoryLimitBytes, cpuMillicores, offsets, netnsPath);
  }

  public ContainerSpec withMemoryLimit(long bytes) {
    return new ContainerSpec(id, rootfs, args, env, workingDir, bytes, cpuMillicores, timeOffsets, netnsPath);
  }
}
