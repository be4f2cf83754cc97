package dev.ferry.coordinator.registry;

/** One container in the cluster inventory, as its node last reported it. */
public record ContainerEntry(String containerId, String node, ContainerStatus status, long rssBytes,
    long memoryLimitBytes, long cpuMillicores, String address) {

  public enum ContainerStatus { CREATED, RUNNING, PAUSED, STOPPED, CHECKPOINTED, UNKNOWN }
}
