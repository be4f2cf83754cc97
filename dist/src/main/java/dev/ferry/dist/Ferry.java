package dev.ferry.dist;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ferry} launcher: one executable, one subcommand per component, each handed to that
 * component's own main. A subcommand whose component is not in this build says so instead of a
 * ClassNotFoundException.
 */
public final class Ferry {
  /** Subcommand → main class, in the order help lists them. */
  static final Map<String, String> COMMANDS = commands();

  private Ferry() {}

  private static Map<String, String> commands() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("coordinator", "dev.ferry.coordinator.CoordinatorMain");
    m.put("agent", "dev.ferry.agent.AgentMain");
    m.put("migrate", "dev.ferry.cli.MigrateMain");
    m.put("certs", "dev.ferry.cli.CertsMain");
    return m;
  }

  public static void main(String[] args) throws Throwable {
    Method main = resolve(args, System.err);
    if (main == null) {
      System.exit(args.length == 0 || isHelp(args[0]) ? 0 : 2);
    }
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static boolean isHelp(String arg) {
    return arg.equals("-h") || arg.equals("--help") || arg.equals("help");
  }

  /** The main to run for {@code args}, or null after printing usage or the reason there is none. */
  static Method resolve(String[] args, PrintStream err) {
    if (args.length == 0 || isHelp(args[0])) {
      usage(err);
      return null;
    }
    String className = COMMANDS.get(args[0]);
    if (className == null) {
      err.println("ferry: unknown command '" + args[0] + "'");
      usage(err);
      return null;
    }
    try {
      return Class.forName(className).getMethod("main", String[].class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      err.println("ferry: '" + args[0] + "' is not part of this build (no " + className + ")");
      return null;
    }
  }

  private static void usage(PrintStream err) {
    err.println("usage: ferry <command> [options]   (ferry <command> --help for its options)");
    COMMANDS.forEach((command, className) -> err.printf("  %-12s %s%n", command, available(className) ? describe(command)
        : describe(command) + " (not in this build)"));
  }

  private static String describe(String command) {
    return switch (command) {
      case "coordinator" -> "run the control plane (config: /etc/ferry/coordinator.conf)";
      case "agent" -> "run a node agent: needs root, crun and CRIU (config: /etc/ferry/agent.conf)";
      case "migrate" -> "the operator's client: migrate, evacuate, drain, status, watch, nodes, containers";
      case "certs" -> "create and inspect the cluster's certificates";
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
