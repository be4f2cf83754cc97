package dev.ferry.agent.container;

import dev.ferry.agent.network.Attachment;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.ContainerSpec;
import dev.ferry.agent.runtime.TimeOffsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's durable record of one container: what it needs to recreate the OCI config on
 * this node or on a migration target, and where the container is in its life. Stored as JSON
 * next to the bundle, and shipped with the images so the target can write its own config.
 */
public record ContainerRecord(
    String id,
    List<String> args,
    Map<String, String> env,
    String workingDir,
    long memoryLimitBytes,
    long cpuMillicores,
    long monotonicOffsetNanos,
    long boottimeOffsetNanos,
    Map<String, String> labels,
    long createdAtMillis,
    Lifecycle lifecycle,
    String lastImageId,
    String migrationId,
    String address,
    int prefixLength) {

  public static final String FILE_IN_IMAGES = "ferry-container.json";

  public ContainerRecord {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public ContainerId containerId() {
    return new ContainerId(id);
  }

  /** The container's address for life, when its node has a container network. */
  public Optional<Attachment> attachment() {
    return address == null || address.isBlank() ? Optional.empty() : Optional.of(new Attachment(address, prefixLength));
  }

  public ContainerRecord withAttachment(Optional<Attachment> a) {
    return new ContainerRecord(id, args, env, workingDir, memoryLimitBytes, cpuMillicores, monotonicOffsetNanos,
        boottimeOffsetNanos, labels, createdAtMillis, lifecycle, lastImageId, migrationId,
        a.map(Attachment::address).orElse(null), a.map(Attachment::prefixLength).orElse(0));
  }

  public TimeOffsets timeOffsets() {
    return new TimeOffsets(Duration.ofNanos(monotonicOffsetNanos), Duration.ofNanos(boottimeOffsetNanos));
  }

  public ContainerSpec spec(Path rootfs, Path netnsPath) {
    return new ContainerSpec(containerId(), rootfs, args, env, workingDir, memoryLimitBytes, cpuMillicores, timeOffsets(), netnsPath);
  }

  public ContainerRecord with(Lifecycle newLifecycle) {
    return new ContainerRecord(id, args, env, workingDir, memoryLimitBytes, cpuMillicores, monotonicOffsetNanos,
        boottimeOffsetNanos, labels, createdAtMillis, newLifecycle, lastImageId, migrationId, address, prefixLength);
  }

  public ContainerRecord withImage(String imageId, String migration) {
    return new ContainerRecord(id, args, env, workingDir, memoryLimitBytes, cpuMillicores, monotonicOffsetNanos,
        boottimeOffsetNanos, labels, createdAtMillis, lifecycle, imageId, migration, address, prefixLength);
  }
}
