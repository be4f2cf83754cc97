package dev.ferry.agent.capability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.agent.criu.CriuCommands;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.SystemProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint trial must not fail by accident: agents starting together (three in the e2e
 * suite) probe at the same time, and a flaky "no" turns a whole strategy off for that node.
 * Without {@link TrialLock} this failed in 4 of 8 runs here (CRIU's parasite, two dumps at once).
 */
class CriuTrialsIT {
  @Test
  void aPassedTrialIsRememberedForTheRestOfThisBoot(@TempDir Path dir) {
    Feature first = new CriuTrials(runner, criu, dir.resolve("first")).checkpointRestore();
    assertThat(first.available()).as(first.reason()).isTrue();
    Feature again = new CriuTrials(runner, criu, dir.resolve("second")).checkpointRestore();
    assertThat(again.available()).isTrue();
    assertThat(again.reason()).contains("passed earlier on this boot");
    assertThat(dir.resolve("second")).doesNotExist(); // no victim was dumped
  }

  private final ProcessRunner runner = new SystemProcessRunner();
  private final CriuCommands criu = new CriuCommands(runner, Duration.ofSeconds(60));

  @Test
  void concurrentCheckpointTrialsAllSucceed(@TempDir Path dir) throws Exception {
    List<Future<Feature>> results = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int node = 0; node < 3; node++) {
        CriuTrials trials = new CriuTrials(runner, criu, dir.resolve("node" + node), TrialMemo.none()); // real trials
        results.add(threads.submit(() -> {
          Feature last = null;
          for (int round = 0; round < 4; round++) {
            last = trials.checkpointRestore();
            if (!last.available()) {
              return last;
            }
          }
          return last;
        }));
      }
    }
    for (Future<Feature> r : results) {
      assertThat(r.get().available()).as(r.get().reason()).isTrue();
    }
  }
}
