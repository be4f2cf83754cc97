package dev.ferry.security.authz;

import static dev.ferry.security.Role.COORDINATOR;
import static dev.ferry.security.Role.NODE;
import static dev.ferry.security.Role.OPERATOR;
import static dev.ferry.security.Role.VIEWER;

import dev.ferry.proto.v1.AuditGrpc;
import dev.ferry.proto.v1.ClockGrpc;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.TransferGrpc;
import dev.ferry.security.Identity;
import dev.ferry.security.Role;
import io.grpc.MethodDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * THE authorization table: every RPC on every Ferry server, and which identities may call it.
 * operator: every coordinator RPC; viewer: the coordinator's reads and watches; coordinator:
 * every agent RPC; node: registration and reporting on the coordinator (as itself), and
 * Transfer to a peer agent (as itself). Health and reflection: any authenticated identity.
 * An RPC missing from the table is refused (AuthorizationTest checks every service is covered).
 */
public final class Authorization {
  private static final Map<String, Rule> TABLE = table();

  private Authorization() {}

  public static Decision decide(Identity caller, String fullMethodName) {
    Rule rule = TABLE.get(fullMethodName);
    if (rule == null) {
      String service = MethodDescriptor.extractFullServiceName(fullMethodName);
      if (isAnyAuthenticated(service)) {
        return new Decision.Allowed(new Rule(java.util.EnumSet.allOf(Role.class), false, Optional.empty()));
      }
      return new Decision.Denied(fullMethodName + " is not in Ferry's authorization table");
    }
    if (!rule.allows(caller.role())) {
      return new Decision.Denied(caller + " may not call " + fullMethodName + " (allowed: " + rule.roles() + ")");
    }
    return new Decision.Allowed(rule);
  }

  /** The rule of one RPC, if the table has one. */
  public static Optional<Rule> rule(String fullMethodName) {
    return Optional.ofNullable(TABLE.get(fullMethodName));
  }

  public static Map<String, Rule> rows() {
    return TABLE;
  }

  private static boolean isAnyAuthenticated(String service) {
    return service != null && (service.equals("grpc.health.v1.Health") || service.startsWith("grpc.reflection."));
  }

  private static Map<String, Rule> table() {
    Map<String, Rule> t = new LinkedHashMap<>();
    // Coordinator: operators change things, viewers read, nodes register and report as themselves.
    put(t, CoordinatorGrpc.getMigrateMethod(), Rule.mutate(OPERATOR));
    put(t, CoordinatorGrpc.getCancelMigrationMethod(), Rule.mutate(OPERATOR));
    put(t, CoordinatorGrpc.getEvacuateMethod(), Rule.mutate(OPERATOR));
    put(t, CoordinatorGrpc.getDrainMethod(), Rule.mutate(OPERATOR));
    put(t, CoordinatorGrpc.getUncordonMethod(), Rule.mutate(OPERATOR));
    put(t, CoordinatorGrpc.getGetMigrationMethod(), Rule.read(OPERATOR, VIEWER));
    put(t, CoordinatorGrpc.getListMigrationsMethod(), Rule.read(OPERATOR, VIEWER));
    put(t, CoordinatorGrpc.getWatchMigrationMethod(), Rule.read(OPERATOR, VIEWER));
    put(t, CoordinatorGrpc.getGetEvacuationMethod(), Rule.read(OPERATOR, VIEWER));
    put(t, CoordinatorGrpc.getListNodesMethod(), Rule.read(OPERATOR, VIEWER));
    put(t, CoordinatorGrpc.getListContainersMethod(), Rule.read(OPERATOR, VIEWER));
    put(t, CoordinatorGrpc.getRegisterNodeMethod(), Rule.asSelf(true, "node"));
    put(t, CoordinatorGrpc.getReportContainersMethod(), Rule.asSelf(false, "node"));
    put(t, CoordinatorGrpc.getAllocateAddressMethod(), Rule.asSelf(true, "node"));
    put(t, CoordinatorGrpc.getReleaseAddressMethod(), Rule.mutate(NODE));
    put(t, AuditGrpc.getListAuditMethod(), Rule.read(OPERATOR, VIEWER));
    // Agent: only the coordinator commands it.
    put(t, NodeAgentGrpc.getGetCapabilitiesMethod(), Rule.read(COORDINATOR));
    put(t, NodeAgentGrpc.getListContainersMethod(), Rule.read(COORDINATOR));
    put(t, NodeAgentGrpc.getInspectContainerMethod(), Rule.read(COORDINATOR));
    put(t, NodeAgentGrpc.getCheckCheckpointableMethod(), Rule.read(COORDINATOR));
    put(t, NodeAgentGrpc.getCreateContainerMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getStartContainerMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getStopContainerMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getDeleteContainerMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getPreDumpMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getDumpMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getLazyDumpMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getPrepareRestoreMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getRestoreMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getResumeOnSourceMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getFinalizeMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getAbortRestoreMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getSendImagesMethod(), Rule.mutate(COORDINATOR));
    put(t, NodeAgentGrpc.getSendRootfsMethod(), Rule.mutate(COORDINATOR));
    // Agent to agent: a peer node pushes images and relays pages, naming itself as the source.
    put(t, TransferGrpc.getSendMethod(), Rule.asSelf(true, "open.source_node"));
    put(t, TransferGrpc.getRelayPagesMethod(), Rule.asSelf(true, "open.source_node"));
    // Clock probes: the coordinator and peers measure offsets.
    put(t, ClockGrpc.getProbeMethod(), Rule.read(COORDINATOR, NODE));
    return Map.copyOf(t);
  }

  private static void put(Map<String, Rule> t, MethodDescriptor<?, ?> method, Rule rule) {
    if (t.put(method.getFullMethodName(), rule) != null) {
      throw new IllegalStateException("two rules for " + method.getFullMethodName());
    }
  }
}
