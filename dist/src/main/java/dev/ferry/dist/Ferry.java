package dev.ferry.dist;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code ferry} launcher: one executable, one subcommand per component, each handed to that
 * component's own main. A subcommand whose component is not in this build says so instead of a
 * ClassNotFoundException.
 */
public final class Ferry {
  /** Which main a subcommand runs, and the arguments it puts before the user's. */
  record Target(String className, List<String> leadingArgs) {
    Target(String className, String... leadingArgs) {
      this(className, List.of(leadingArgs));
    }
  }

  /** Subcommand → its target, in the order help lists them. */
  static final Map<String, Target> COMMANDS = commands();

  private Ferry() {}

  private static Map<String, Target> commands() {
    Map<String, Target> m = new LinkedHashMap<>();
    m.put("coordinator", new Target("dev.ferry.coordinator.CoordinatorMain"));
    m.put("agent", new Target("dev.ferry.agent.AgentMain"));
    m.put("migrate", new Target("dev.ferry.cli.MigrateMain"));
    // The certificate tooling is the operator client's `certs` subcommand: `ferry certs ca` = `ferry migrate certs ca`.
    m.put("certs", new Target("dev.ferry.cli.MigrateMain", "certs"));
    return m;
  }

  public static void main(String[] args) throws Throwable {
    Method main = resolve(args, System.err);
    if (main == null) {
      System.exit(args.length == 0 || isHelp(args[0]) ? 0 : 2);
    }
    try {
      main.invoke(null, (Object) argsFor(args));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static boolean isHelp(String arg) {
    return arg.equals("-h") || arg.equals("--help") || arg.equals("help");
  }

  /** The arguments the target's main gets: its leading arguments, then the user's after the subcommand. */
  static String[] argsFor(String[] args) {
    return Stream.concat(COMMANDS.get(args[0]).leadingArgs().stream(), Arrays.stream(args, 1, args.length))
        .toArray(String[]::new);
  }

  /** The main to run for {@code args}, or null after printing usage or the reason there is none. */
  static Method resolve(String[] args, PrintStream err) {
    if (args.length == 0 || isHelp(args[0])) {
      usage(err);
      return null;
    }
    Target target = COMMANDS.get(args[0]);
    if (target == null) {
      err.println("ferry: unknown command '" + args[0] + "'");
      usage(err);
      return null;
    }
    try {
      return Class.forName(target.className()).getMethod("main", String[].class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      err.println("ferry: '" + args[0] + "' is not part of this build (no " + target.className() + ")");
      return null;
    }
  }

  private static void usage(PrintStream err) {
    err.println("usage: ferry <command> [options]   (ferry <command> --help for its options)");
    COMMANDS.forEach((command, target) -> err.printf("  %-12s %s%n", command, available(target.className()) ? describe(command)
        : describe(command) + " (not in this build)"));
  }

  private static String describe(String command) {
    return switch (command) {
      case "coordinator" -> "run the control plane (config: /etc/ferry/coordinator.conf)";
      case "agent" -> "run a node agent: needs root, crun and CRIU (config: /etc/ferry/agent.conf)";
      case "migrate" -> "the operator's client: migrate, evacuate, drain, status, watch, nodes, containers";
      case "certs" -> "create the cluster's CA and issue certificates (same as: migrate certs)";
      default -> "";
    };
  }

  private static boolean available(String className) {
    try {
      Class.forName(className, false, Ferry.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
