package dev.ferry.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListenQueuesTest {
  @Test
  void countsUnacceptedConnectionsAndHandshakesUnderWay() {
    String ss = """
        LISTEN 3      16       0.0.0.0:7001    0.0.0.0:*
        LISTEN 0      128      0.0.0.0:8080    0.0.0.0:*
        ESTAB  0      0      127.0.0.1:7001  127.0.0.1:55020
        SYN-RECV 0    0      198.18.90.10:7001  198.18.90.1:40000
        TIME-WAIT 0   0      127.0.0.1:55012 127.0.0.1:7001
        """;
    assertThat(ListenQueues.waiting(ss)).isEqualTo(4);
  }

  @Test
  void nothingWaitingInAQuietOrEmptyNamespace() {
    assertThat(ListenQueues.waiting("LISTEN 0 128 0.0.0.0:7001 0.0.0.0:*\n")).isZero();
    assertThat(ListenQueues.waiting("")).isZero();
  }
}
