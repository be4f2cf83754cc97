package dev.ferry.agent;

import dev.ferry.agent.capability.CapabilityProbe;
import dev.ferry.agent.capability.CriuTrials;
import dev.ferry.agent.checkpoint.AbortRestoreStep;
import dev.ferry.agent.checkpoint.Admissions;
import dev.ferry.agent.checkpoint.CheckpointabilityCheck;
import dev.ferry.agent.checkpoint.CpuThrottle;
import dev.ferry.agent.checkpoint.DumpStep;
import dev.ferry.agent.checkpoint.EpochGuard;
import dev.ferry.agent.checkpoint.FinalizeStep;
import dev.ferry.agent.checkpoint.LazyDumpStep;
import dev.ferry.agent.checkpoint.PageServers;
import dev.ferry.agent.checkpoint.PreDumpStep;
import dev.ferry.agent.checkpoint.PrepareRestoreStep;
import dev.ferry.agent.checkpoint.RestoreStep;
import dev.ferry.agent.checkpoint.ResumeOnSourceStep;
import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerStore;
import dev.ferry.agent.container.ProcInspector;
import dev.ferry.agent.criu.CriuCommands;
import dev.ferry.agent.network.Networking;
import dev.ferry.agent.runtime.CrunCommands;
import dev.ferry.agent.runtime.OciConfig;
import dev.ferry.agent.runtime.StdioShim;
import dev.ferry.agent.transfer.AgentAdmission;
import dev.ferry.agent.transfer.PeerChannels;
import dev.ferry.agent.transfer.SendImagesStep;
import dev.ferry.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/** The composition root of one node agent: builds every part from its configuration. */
public final class NodeAgent {
  private NodeAgent() {}

  /**
   * @param node      this node's name (also names its cgroup parent)
   * @param stateDir  where the agent keeps everything (see {@link NodeLayout})
   * @param busybox   the static busybox for the stdio shim
   */
  public static AgentSteps build(String node, Path stateDir, Path busybox, ProcessRunner runner, Duration commandTimeout) {
    return build(node, stateDir, busybox, runner, commandTimeout, "127.0.0.1");
  }

  /** @param advertisedHost the address peers reach this node at (where a lazy dump's page server listens) */
  public static AgentSteps build(String node, Path stateDir, Path busybox, ProcessRunner runner, Duration commandTimeout,
      String advertisedHost) {
    return build(node, stateDir, busybox, runner, commandTimeout, advertisedHost, layout -> Networking.none());
  }

  /** @param networking this node's container network, given the node's layout (none: private namespaces) */
  public static AgentSteps build(String node, Path stateDir, Path busybox, ProcessRunner runner, Duration commandTimeout,
      String advertisedHost, java.util.function.Function<NodeLayout, Networking> networking) {
    return build(node, stateDir, busybox, runner, commandTimeout, advertisedHost, networking, PeerChannels.plaintext());
  }

  /** @param peers channels to peer agents (images and pages go over them) */
  public static AgentSteps build(String node, Path stateDir, Path busybox, ProcessRunner runner, Duration commandTimeout,
      String advertisedHost, java.util.function.Function<NodeLayout, Networking> networking, PeerChannels peers) {
    InstantSource clock = InstantSource.system();
    NodeLayout layout = new NodeLayout(stateDir).create();
    String cgroupParent = "/ferry/" + node;
    CrunCommands crun = new CrunCommands(runner, layout.crunRoot(), commandTimeout);
    CriuCommands criu = new CriuCommands(runner, commandTimeout);
    CapabilityProbe probe = new CapabilityProbe(node, layout.stateDir(), criu, crun,
        new CriuTrials(runner, criu, layout.stateDir().resolve("probe")), clock);
    ContainerManager containers = new ContainerManager(layout, new ContainerStore(layout), crun,
        new OciConfig(new StdioShim(busybox), cgroupParent), new ProcInspector(cgroupParent), runner, clock, networking.apply(layout));
    PageServers pageServers = new PageServers();
    Admissions admissions = new Admissions(layout.stateDir().resolve("admissions"));
    RestoreStep restore = new RestoreStep(layout, containers, crun, criu, pageServers, clock,
        new dev.ferry.agent.clock.ClockPolicyRestore(runner, dev.ferry.agent.clock.HostClock.SYSTEM, new dev.ferry.agent.clock.ResumeBudget()));
    CpuThrottle throttle = new CpuThrottle(layout, containers, crun);
    return new AgentSteps(node, probe, containers,
        new CheckpointabilityCheck(containers),
        new PreDumpStep(layout, containers, crun, probe, throttle, runner, clock),
        new DumpStep(layout, containers, crun, throttle, runner, clock),
        new LazyDumpStep(layout, containers, crun, probe, throttle, pageServers, runner, clock, Duration.ofSeconds(30),
            advertisedHost),
        new PrepareRestoreStep(layout, containers, admissions),
        restore,
        new ResumeOnSourceStep(layout, containers, crun, restore, pageServers, throttle),
        new FinalizeStep(containers, pageServers, Duration.ofMinutes(10)),
        new AbortRestoreStep(containers, pageServers, admissions),
        new EpochGuard(),
        admissions,
        new SendImagesStep(node, layout, containers, peers),
        new AgentAdmission(layout, admissions));
  }
}
