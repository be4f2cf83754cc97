package dev.ferry.transfer.bench;

import dev.ferry.process.ProcessResult;
import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Ferry row: a receiving agent JVM and a sending agent JVM, each where {@link Where} puts it
 * (same host, or the two ends of a shaped link), talking gRPC with the given security. Both are
 * started through the ProcessRunner; the sender reports its own numbers and the receiver's CPU.
 */
record FerryRun(ProcessRunner runner, Path work, Path pki, Path warmUp) {
  private static final Duration LIMIT = Duration.ofMinutes(30);
  private static final Duration START = Duration.ofSeconds(60);

  Row run(Where where, Path data, String name, long raw, String compression, Security security) throws Exception {
    Path target = work.resolve("target-ferry");
    Dirs.clean(runner, target);
    Path receiverOut = work.resolve("ferry-receiver.out");
    Files.deleteIfExists(receiverOut);
    List<String> receive = java(BenchReceiver.class, target.toString(), where.receiverHost(), security.name(), pki.toString());
    try (RunningProcess receiver = runner.start(ProcessSpec.of(where.receiver(receive)).withStdoutFile(receiverOut).withTimeout(LIMIT))) {
      String[] ready = awaitLine(receiverOut, "BENCH ready ", receiver).split(" ");
      List<String> send = java(BenchSender.class, data.toString(), warmUp.toString(), where.receiverHost(), ready[2],
          compression, security.name(), pki.toString(), ready[3], name, work.toString(), Long.toString(raw));
      ProcessResult sent = runner.run(ProcessSpec.of(where.sender(send)).withTimeout(LIMIT));
      sent.stdout().lines().filter(l -> l.startsWith("BENCH warm-up")).forEach(l -> System.out.println("    " + l.substring(6)));
      String line = sent.stdout().lines().filter(l -> l.startsWith("BENCH result")).findFirst()
          .orElseThrow(() -> new IllegalStateException("the sender reported no result (exit " + sent.exitCode() + "):\n"
              + sent.stdout() + sent.stderr()));
      receiver.stop();
      long receiverHeap = Files.readAllLines(receiverOut).stream().filter(l -> l.startsWith("BENCH heap "))
          .map(l -> Long.parseLong(l.substring("BENCH heap ".length()))).findFirst().orElse(0L);
      String[] f = line.split("\t");
      String mode = compression.equals("auto") ? "auto: " : "fixed: ";
      return new Row(name, where.name(), "ferry " + mode + f[6], security, raw, Duration.ofNanos(Long.parseLong(f[1])),
          Long.parseLong(f[2]), Double.parseDouble(f[3]) + Double.parseDouble(f[4]), Long.parseLong(f[5]) + receiverHeap, f[7]);
    } finally {
      Dirs.clean(runner, target);
    }
  }

  private static List<String> java(Class<?> main, String... args) {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    // The agent's JVM as deploy/dist/ferry starts it (Serial GC), with a bounded heap.
    List<String> argv = new ArrayList<>(List.of(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
    String extra = System.getenv().getOrDefault("FERRY_BENCH_JVM_OPTS", "").strip(); // e.g. a JFR recording per run
    if (!extra.isEmpty()) {
      argv.addAll(List.of(extra.replace("{main}", main.getSimpleName()).split("\\s+")));
    }
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    argv.addAll(List.of(args));
    return argv;
  }

  private static String awaitLine(Path file, String prefix, RunningProcess process) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        Optional<String> line = Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst();
        if (line.isPresent()) {
          return line.get();
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the receiver exited before serving:\n" + Files.readString(file));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the receiver did not serve within " + START + ":\n" + Files.readString(file));
  }
}
