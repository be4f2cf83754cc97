package dev.ferry.e2e.cluster;

import dev.ferry.proto.v1.CoordinatorGrpc;
import java.nio.file.Path;
import java.util.List;

/**
 * What scenarios and invariant checks need of a running system, whether its control plane is one
 * coordinator process ({@link LocalCluster}) or several coordinators and etcd members in containers.
 */
public interface Cluster {
  /** A stub to the coordinator that accepts commands now (the leader, where there are several). */
  CoordinatorGrpc.CoordinatorBlockingStub coordinatorStub();

  /** host:port of that coordinator, as the CLI's --coordinator takes it. */
  String coordinatorAddress();

  List<AgentNode> agents();

  AgentNode agent(String node);

  Path workDir();

  /** The CA every member's certificate comes from, and the files and flags of each identity (mutual TLS everywhere). */
  ClusterPki pki();
}
