package dev.ferry.agent.container;

import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.TimeOffsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to create a container from a root filesystem directory, or from a full OCI bundle
 * (whose config supplies the command, environment and working directory when they are not given).
 */
public record CreateRequest(
    ContainerId id,
    Path rootfs,
    Path bundle,
    List<String> args,
    Map<String, String> env,
    String workingDir,
    long memoryLimitBytes,
    long cpuMillicores,
    TimeOffsets timeOffsets,
    Map<String, String> labels,
    boolean start) {

  public CreateRequest {
    Objects.requireNonNull(id, "id");
    if ((rootfs == null) == (bundle == null)) {
      throw new IllegalArgumentException("give exactly one of a root filesystem directory or an OCI bundle");
    }
    args = List.copyOf(args);
    env = Map.copyOf(env);
    labels = Map.copyOf(labels);
    timeOffsets = timeOffsets == null ? TimeOffsets.ZERO : timeOffsets;
  }
}
