package dev.ferry.e2e.cluster;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import dev.ferry.process.RunningProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts a Ferry component (a main class on this JVM's classpath) as its own process, optionally inside a namespace. */
public final class JavaProcess {
  private JavaProcess() {}

  public static RunningProcess start(ProcessRunner runner, List<String> prefix, String mainClass, List<String> args, Path log) {
    List<String> argv = new ArrayList<>(prefix);
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), mainClass));
    argv.addAll(args);
    try {
      java.nio.file.Files.createDirectories(log.getParent());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return runner.start(ProcessSpec.of(argv).withStdoutFile(log).withTimeout(Duration.ofHours(2)));
  }
}
