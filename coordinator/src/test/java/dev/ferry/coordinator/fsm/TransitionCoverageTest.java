package dev.ferry.coordinator.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every row of the transition table is exercised by some scenario; the table renders as PlantUML. */
class TransitionCoverageTest {

  @Test
  void everyRowOfTheTableIsExercisedByAScenario() {
    Set<Transitions.Row> visited = new LinkedHashSet<>();
    MigrationMachine machine = MigrationMachine.defaults();
    for (Scenarios.Scenario s : Scenarios.all()) {
      Migration m = Fixtures.queued(s.strategy());
      for (Event e : s.events()) {
        Decision d = machine.transition(m, e, Fixtures.T0);
        visited.add(new Transitions.Row(m.phase().getClass(), e.getClass(), d.next().phase().getClass()));
        m = d.next();
      }
    }
    List<String> unvisited = Transitions.TABLE.stream().filter(r -> !visited.contains(r))
        .map(Transitions.Row::render).toList();
    assertThat(unvisited).as("rows of Transitions.TABLE no scenario exercises").isEmpty();
    assertThat(Transitions.TABLE).containsAll(visited);
  }

  @Test
  void tableRendersAsPlantUmlWithOneArrowPerRow() throws IOException {
    String uml = Transitions.plantUml();
    assertThat(uml).startsWith("@startuml").endsWith("@enduml\n")
        .contains("PreCopy --> FreezeAndDump : RoundDumped")
        .contains("Verify --> Commit : Verified");
    assertThat(uml.lines().filter(l -> l.contains(" : ")).count()).isEqualTo(Transitions.TABLE.size());
    Path out = Path.of("target", "migration-fsm.puml");
    Files.createDirectories(out.getParent());
    Files.writeString(out, uml);
  }

  @Test
  void tableHasNoDuplicateRowsAndNoRowLeavesATerminalPhase() {
    assertThat(Set.copyOf(Transitions.TABLE)).hasSameSizeAs(Transitions.TABLE);
    assertThat(Transitions.TABLE).noneMatch(r -> r.from() == Phase.Done.class || r.from() == Phase.RolledBack.class
        || r.from() == Phase.Failed.class);
  }
}
