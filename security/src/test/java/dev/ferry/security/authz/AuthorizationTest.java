package dev.ferry.security.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.proto.v1.AuditGrpc;
import dev.ferry.proto.v1.ClockGrpc;
import dev.ferry.proto.v1.CoordinatorGrpc;
import dev.ferry.proto.v1.NodeAgentGrpc;
import dev.ferry.proto.v1.TransferGrpc;
import dev.ferry.security.Identity;
import dev.ferry.security.Role;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The table, every row and every role: pure, no sockets. The expected matrix below is the spec, written out independently. */
class AuthorizationTest {
  private static final Set<Role> OPERATOR = EnumSet.of(Role.OPERATOR);
  private static final Set<Role> READERS = EnumSet.of(Role.OPERATOR, Role.VIEWER);
  private static final Set<Role> NODE = EnumSet.of(Role.NODE);
  private static final Set<Role> COORDINATOR = EnumSet.of(Role.COORDINATOR);

  private static final Map<String, Set<Role>> EXPECTED = expected();

  private static Map<String, Set<Role>> expected() {
    Map<String, Set<Role>> m = new LinkedHashMap<>();
    for (String rpc : List.of("Migrate", "CancelMigration", "Evacuate", "Drain", "Uncordon")) {
      m.put("ferry.v1.Coordinator/" + rpc, OPERATOR);
    }
    for (String rpc : List.of("GetMigration", "ListMigrations", "WatchMigration", "GetEvacuation", "ListNodes", "ListContainers")) {
      m.put("ferry.v1.Coordinator/" + rpc, READERS);
    }
    for (String rpc : List.of("RegisterNode", "ReportContainers", "AllocateAddress", "ReleaseAddress")) {
      m.put("ferry.v1.Coordinator/" + rpc, NODE);
    }
    m.put("ferry.v1.Audit/ListAudit", READERS);
    for (String rpc : List.of("GetCapabilities", "CreateContainer", "StartContainer", "StopContainer", "DeleteContainer",
        "ListContainers", "InspectContainer", "CheckCheckpointable", "PreDump", "Dump", "LazyDump", "PrepareRestore", "Restore",
        "ResumeOnSource", "Finalize", "AbortRestore", "SendImages", "SendRootfs")) {
      m.put("ferry.v1.NodeAgent/" + rpc, COORDINATOR);
    }
    m.put("ferry.v1.Transfer/Send", NODE);
    m.put("ferry.v1.Transfer/RelayPages", NODE);
    m.put("ferry.v1.Clock/Probe", EnumSet.of(Role.COORDINATOR, Role.NODE));
    return m;
  }

  private static Stream<MethodDescriptor<?, ?>> everyMethod() {
    return Stream.of(CoordinatorGrpc.getServiceDescriptor(), NodeAgentGrpc.getServiceDescriptor(), TransferGrpc.getServiceDescriptor(),
            ClockGrpc.getServiceDescriptor(), AuditGrpc.getServiceDescriptor())
        .map(ServiceDescriptor::getMethods).flatMap(java.util.Collection::stream);
  }

  private static Identity someone(Role role) {
    return role == Role.COORDINATOR ? Identity.coordinator() : new Identity(role, "x1");
  }

  @Test
  void everyRpcOfEveryFerryServiceHasARowAndTheSpecCoversIt() {
    assertThat(everyMethod().map(MethodDescriptor::getFullMethodName))
        .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    assertThat(Authorization.rows().keySet()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
  }

  @Test
  void everyRoleOnEveryRpcIsAllowedExactlyAsTheSpecSays() {
    int checked = 0;
    for (var row : EXPECTED.entrySet()) {
      for (Role role : Role.values()) {
        Decision d = Authorization.decide(someone(role), row.getKey());
        assertThat(d).as("%s calling %s", role, row.getKey())
            .isInstanceOf(row.getValue().contains(role) ? Decision.Allowed.class : Decision.Denied.class);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(EXPECTED.size() * Role.values().length);
  }

  @Test
  void writesAreMarkedMutatingAndReadsAreNot() {
    assertThat(Authorization.rule("ferry.v1.Coordinator/Migrate").orElseThrow().mutating()).isTrue();
    assertThat(Authorization.rule("ferry.v1.NodeAgent/Dump").orElseThrow().mutating()).isTrue();
    assertThat(Authorization.rule("ferry.v1.Transfer/Send").orElseThrow().mutating()).isTrue();
    assertThat(Authorization.rule("ferry.v1.Coordinator/ListNodes").orElseThrow().mutating()).isFalse();
    assertThat(Authorization.rule("ferry.v1.Coordinator/WatchMigration").orElseThrow().mutating()).isFalse();
  }

  @Test
  void nodeRowsNameTheFieldThatMustBeTheCallerItself() {
    assertThat(Authorization.rule("ferry.v1.Coordinator/RegisterNode").orElseThrow().selfField()).contains("node");
    assertThat(Authorization.rule("ferry.v1.Transfer/Send").orElseThrow().selfField()).contains("open.source_node");
  }

  @Test
  void healthAndReflectionAreOpenToAnyAuthenticatedIdentity() {
    for (Role role : Role.values()) {
      assertThat(Authorization.decide(someone(role), "grpc.health.v1.Health/Check")).isInstanceOf(Decision.Allowed.class);
      assertThat(Authorization.decide(someone(role), "grpc.reflection.v1.ServerReflection/ServerReflectionInfo"))
          .isInstanceOf(Decision.Allowed.class);
    }
  }

  @Test
  void anRpcMissingFromTheTableIsRefusedWithItsName() {
    Decision d = Authorization.decide(Identity.operator("alice"), "ferry.v1.Coordinator/SomethingNew");
    assertThat(d).isInstanceOfSatisfying(Decision.Denied.class,
        denied -> assertThat(denied.reason()).contains("ferry.v1.Coordinator/SomethingNew", "not in Ferry's authorization table"));
  }

  @Test
  void theDenialSaysWhoAndWhatIsAllowed() {
    Decision d = Authorization.decide(Identity.viewer("bob"), "ferry.v1.Coordinator/Migrate");
    assertThat(((Decision.Denied) d).reason()).contains("viewer/bob may not call ferry.v1.Coordinator/Migrate", "OPERATOR");
  }
}
