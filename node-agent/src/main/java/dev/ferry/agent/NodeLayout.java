package dev.ferry.agent;

import dev.ferry.agent.runtime.ContainerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where one agent keeps its state. Everything lives under one directory per node, so that
 * several agents on one machine (the end-to-end topology) never see each other's files:
 *
 * <pre>
 * STATE/crun/                          crun's state root (--root)
 * STATE/containers/ID/bundle/          config.json and rootfs/ (and rootfs-first-pass/ on a migration's target)
 * STATE/containers/ID/container.json   the agent's record of the container
 * STATE/containers/ID/images/IMAGE/    checkpoint images
 * STATE/containers/ID/work/IMAGE/      CRIU logs for that image
 * </pre>
 */
public record NodeLayout(Path stateDir) {

  public NodeLayout {
    stateDir = stateDir.toAbsolutePath().normalize();
  }

  public Path crunRoot() {
    return stateDir.resolve("crun");
  }

  public Path containersDir() {
    return stateDir.resolve("containers");
  }

  public Path containerDir(ContainerId id) {
    return containersDir().resolve(id.value());
  }

  public Path bundle(ContainerId id) {
    return containerDir(id).resolve("bundle");
  }

  public Path rootfs(ContainerId id) {
    return bundle(id).resolve("rootfs");
  }

  /**
   * On a migration's target: the root filesystem as first sent while the container still ran; the
   * final tree ({@link #rootfs}) is built from it and the delta sent after freeze.
   */
  public Path rootfsFirstPass(ContainerId id) {
    return bundle(id).resolve("rootfs-first-pass");
  }

  public Path record(ContainerId id) {
    return containerDir(id).resolve("container.json");
  }

  /** Present while auto-converge holds the container's CPU below its own limit (survives an agent restart). */
  public Path cpuThrottleMarker(ContainerId id) {
    return containerDir(id).resolve("cpu-throttled");
  }

  public Path crunLog(ContainerId id) {
    return containerDir(id).resolve("crun.log");
  }

  public Path images(ContainerId id, String imageId) {
    return containerDir(id).resolve("images").resolve(checkedName(imageId));
  }

  public Path work(ContainerId id, String imageId) {
    return containerDir(id).resolve("work").resolve(checkedName(imageId));
  }

  public NodeLayout create() {
    try {
      Files.createDirectories(crunRoot());
      Files.createDirectories(containersDir());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create agent state under " + stateDir, e);
    }
  }

  /** Image ids become directory names: the same rule as container ids. */
  private static String checkedName(String name) {
    return new ContainerId(name).value();
  }
}
