package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.proto.v1.Phase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderTest {

  @Test
  void bytesUseBinaryUnitsWithOneDecimal() {
    assertThat(Render.bytes(0)).isEqualTo("0 B");
    assertThat(Render.bytes(1023)).isEqualTo("1023 B");
    assertThat(Render.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Render.bytes(1288490189L)).isEqualTo("1.2 GiB");
    assertThat(Render.bytes(5L << 40)).isEqualTo("5.0 TiB");
  }

  @Test
  void ratesAreBytesPerSecond() {
    assertThat(Render.rate(85.3 * 1024 * 1024)).isEqualTo("85.3 MiB/s");
    assertThat(Render.rate(-1)).isEqualTo("0 B/s");
  }

  @Test
  void durationsPickAReadableUnit() {
    assertThat(Render.duration(Duration.ofMillis(412))).isEqualTo("412 ms");
    assertThat(Render.duration(Duration.ofMillis(4_840))).isEqualTo("4.8 s");
    assertThat(Render.duration(Duration.ofSeconds(123))).isEqualTo("2m03s");
    assertThat(Render.duration(Duration.ofMinutes(62))).isEqualTo("1h02m");
  }

  @Test
  void clockJumpsCarryTheirSign() {
    assertThat(Render.signedMillis(Scripts.millis(212))).isEqualTo("+212 ms");
    assertThat(Render.signedMillis(Scripts.millis(0))).isEqualTo("+0 ms");
    assertThat(Render.signedMillis(Render.toProto(Duration.ofMillis(-3)))).isEqualTo("-3 ms");
    assertThat(Render.signedMillis(Render.toProto(Duration.ofNanos(400_000)))).isEqualTo("+0.4 ms");
  }

  @Test
  void enumNamesReadLikeTheCommandLine() {
    assertThat(Render.phase(Phase.PHASE_FREEZE_AND_DUMP)).isEqualTo("freeze-and-dump");
    assertThat(Render.phase(Phase.PHASE_UNSPECIFIED)).isEqualTo("-");
  }

  @Test
  void tablesAlignColumns() {
    String table = Render.table(List.of("name", "status"), List.of(List.of("node-a", "ready"), List.of("n", "not-ready")));

    assertThat(table).isEqualTo("NAME    STATUS\nnode-a  ready\nn       not-ready\n");
  }
}
