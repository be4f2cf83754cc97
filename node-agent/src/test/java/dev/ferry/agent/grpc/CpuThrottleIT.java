package dev.ferry.agent.grpc;

import static dev.ferry.agent.grpc.AgentFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.agent.AgentException;
import dev.ferry.agent.checkpoint.CpuThrottle;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.proto.v1.ResourceLimits;
import dev.ferry.testkit.AgentHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-converge's CPU cap on a real crun container, read back from the kernel's cgroup files: a
 * share of the container's own limit (one core without one), lifted back to exactly that limit.
 */
class CpuThrottleIT {
  @TempDir
  Path dir;
  AgentHarness a;
  CpuThrottle throttle;
  Path rootfs;

  @BeforeEach
  void start() {
    a = new AgentHarness("thr-a", dir.resolve("a"));
    throttle = new CpuThrottle(a.layout(), a.steps().containers(),
        new CrunCommands(AgentHarness.RUNNER, a.layout().crunRoot(), Duration.ofSeconds(30)));
    rootfs = rootfs(dir);
  }

  @AfterEach
  void stop() {
    a.close();
  }

  @Test
  void capsAShareOfOneCoreAndLiftsBackToUnlimited() throws IOException {
    ContainerId id = new ContainerId("thr-free");
    startWorkload(a, id.value(), rootfs, 8);
    assertThat(quotaMicros(id)).as("no limit before").isEqualTo(-1);

    throttle.cap(id, 50);
    assertThat(quotaMicros(id)).isEqualTo(50_000);
    assertThat(a.layout().cpuThrottleMarker(id)).exists();

    throttle.lift(id);
    assertThat(quotaMicros(id)).isEqualTo(-1);
    assertThat(a.layout().cpuThrottleMarker(id)).doesNotExist();
    throttle.lift(id); // nothing capped: nothing to do
    assertThat(quotaMicros(id)).isEqualTo(-1);
  }

  @Test
  void capsAShareOfTheContainersOwnLimitAndRestoresIt() throws IOException {
    ContainerId id = new ContainerId("thr-limited");
    a.stub().createContainer(workload(id.value(), rootfs, 8)
        .setLimits(ResourceLimits.newBuilder().setCpuMillicores(500)).build());
    awaitVerifiedPasses(a, id.value(), 1);
    assertThat(quotaMicros(id)).isEqualTo(50_000);

    throttle.cap(id, 25);
    assertThat(quotaMicros(id)).isEqualTo(12_500);
    throttle.lift(id);
    assertThat(quotaMicros(id)).isEqualTo(50_000);
  }

  @Test
  void refusesAShareOutsideOneToNinetyNine() {
    ContainerId id = new ContainerId("thr-bad");
    startWorkload(a, id.value(), rootfs, 8);
    assertThatThrownBy(() -> throttle.cap(id, 100)).isInstanceOf(AgentException.class).hasMessageContaining("1..99");
    assertThatThrownBy(() -> throttle.cap(id, -5)).isInstanceOf(AgentException.class);
  }

  /** The CFS quota of the container's cgroup as the kernel has it, v1 or v2; -1 for none. */
  private long quotaMicros(ContainerId id) throws IOException {
    int pid = a.steps().containers().inspect(id).pid();
    for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup"))) {
      String[] f = line.split(":", 3);
      if (f[0].equals("0") && f[1].isEmpty() && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
        String max = Files.readString(Path.of("/sys/fs/cgroup" + f[2], "cpu.max")).strip().split(" ")[0];
        return max.equals("max") ? -1 : Long.parseLong(max);
      }
      if (java.util.Arrays.asList(f[1].split(",")).contains("cpu")) {
        return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/cpu" + f[2], "cpu.cfs_quota_us")).strip());
      }
    }
    throw new IllegalStateException("no cpu cgroup for pid " + pid);
  }
}
