package dev.ferry.agent.registration;

import dev.ferry.agent.AgentSteps;
import dev.ferry.agent.grpc.AgentMapper;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.RegisterNodeRequest;
import dev.ferry.proto.v1.ReportContainersRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node registered with the coordinator: every interval it re-registers (which
 * renews the node's lease in etcd) and reports its containers. A node that stops doing so
 * expires and gets no new work. The agent's only calls to the coordinator are these.
 */
public final class Registrar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Registrar.class);

  private final AgentSteps steps;
  private final String advertisedAddress;
  private final CoordinatorGrpc.CoordinatorBlockingStub coordinator;
  private static final Duration CALL_DEADLINE_FLOOR = Duration.ofSeconds(10);
  private final Duration interval;
  private final AgentMapper map;
  private volatile boolean running = true;
  private Thread loop;

  public Registrar(AgentSteps steps, String advertisedAddress, Channel coordinator, Duration interval) {
    this.steps = steps;
    this.advertisedAddress = advertisedAddress;
    this.coordinator = CoordinatorGrpc.newBlockingStub(coordinator);
    this.interval = interval;
    this.map = new AgentMapper(steps.node());
  }

  public Registrar start() {
    loop = Thread.ofVirtual().name("registrar").start(this::run);
    return this;
  }

  /**
   * Each call gets its own deadline, never under {@link #CALL_DEADLINE_FLOOR}: one short deadline
   * shared by both calls left nothing for the report whenever registering was slow (a loaded or
   * emulated machine: the coordinator had the node, the agent kept believing it had failed).
   */
  private Duration callDeadline() {
    return interval.compareTo(CALL_DEADLINE_FLOOR) > 0 ? interval : CALL_DEADLINE_FLOOR;
  }

  private CoordinatorGrpc.CoordinatorBlockingStub withDeadline() {
    return coordinator.withDeadlineAfter(callDeadline().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    boolean registered = false;
    String lastProblem = "";
    while (running) {
      try {
        // Each request is built before its deadline starts: building one waits for the capability
        // probe (real CRIU runs, ~40 s under emulation) or lists containers, and a deadline taken
        // first was spent before the call began (DEADLINE_EXCEEDED "ClientCall started after ...").
        RegisterNodeRequest registration = RegisterNodeRequest.newBuilder().setNode(steps.node()).setAddress(advertisedAddress)
            .setCapabilities(map.capabilities(steps.capabilities().get(false)).toBuilder().setAgentAddress(advertisedAddress)
                .setContainerNetwork(steps.containers().networking().network()))
            .build();
        withDeadline().registerNode(registration);
        ReportContainersRequest report = ReportContainersRequest.newBuilder().setNode(steps.node())
            .addAllContainers(steps.containers().list().stream().map(map::container).toList()).build();
        withDeadline().reportContainers(report);
        if (!registered) {
          log.info("node {} registered with the coordinator as {}", steps.node(), advertisedAddress);
          registered = true;
          lastProblem = "";
        }
      } catch (RuntimeException e) {
        registered = false;
        String problem = e instanceof StatusRuntimeException s ? s.getStatus().toString() : e.toString();
        if (!problem.equals(lastProblem)) { // once per distinct problem, not every interval
          log.warn("node {} cannot register with the coordinator (retrying every {} ms): {}", steps.node(), interval.toMillis(), problem);
          lastProblem = problem;
        }
      }
      sleep();
    }
  }

  private void sleep() {
    try {
      Thread.sleep(interval);
    } catch (InterruptedException e) {
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    if (loop != null) {
      loop.interrupt();
    }
  }

}
