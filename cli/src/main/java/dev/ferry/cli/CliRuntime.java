package dev.ferry.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a command touches outside itself: where it prints, whether stdout is a terminal,
 * the environment, how it reaches the coordinator and how it waits.
 */
record CliRuntime(
    PrintWriter out,
    PrintWriter err,
    boolean interactive,
    Map<String, String> env,
    ChannelFactory channels,
    Sleeper sleeper) {

  static final String COORDINATOR_ENV = "FERRY_COORDINATOR";
  static final String DEFAULT_COORDINATOR = "localhost:7070";

  CliRuntime {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    env = Map.copyOf(env);
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(sleeper, "sleeper");
  }

  /** The real process: System.out/err, the real environment, TCP channels. */
  static CliRuntime system() {
    var console = System.console();
    return new CliRuntime(
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        console != null && console.isTerminal(),
        System.getenv(),
        ChannelFactory.network(),
        Sleeper.system());
  }

  String defaultCoordinator() {
    String fromEnv = env.get(COORDINATOR_ENV);
    return fromEnv == null || fromEnv.isBlank() ? DEFAULT_COORDINATOR : fromEnv.strip();
  }
}
