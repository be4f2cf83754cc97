package dev.ferry.dist;

import dev.ferry.config.Component;
import dev.ferry.config.ConfigValidator;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Writes a component's documented configuration file from its own flags: every key, what it
 * does, its built-in default, all commented out. The package installs it as
 * /etc/ferry/&lt;component&gt;.conf, so the documentation cannot drift from the code.
 */
public final class ConfigTemplate {
  private ConfigTemplate() {}

  static final Map<String, Class<?>> COMPONENTS = Map.of(
      "agent", dev.ferry.agent.AgentMain.class,
      "coordinator", dev.ferry.coordinator.CoordinatorMain.class);

  public static void main(String[] args) throws ReflectiveOperationException {
    if (args.length != 1 || !COMPONENTS.containsKey(args[0])) {
      System.err.println("usage: ConfigTemplate " + String.join("|", COMPONENTS.keySet()));
      System.exit(2);
    }
    System.out.print(render(args[0]));
  }

  static String render(String name) throws ReflectiveOperationException {
    Component component = Component.named(name);
    CommandLine cmd = new CommandLine(COMPONENTS.get(name).getDeclaredConstructor().newInstance());
    var keys = ConfigValidator.settableKeys(cmd.getCommandSpec());
    StringBuilder out = new StringBuilder();
    out.append("# ").append(component.defaultFile()).append(": configuration of 'ferry ").append(name).append("'.\n")
        .append("# 'key = value' lines; every key is the flag of the same name without its dashes. Precedence:\n")
        .append("# command-line flag > environment ").append(component.envPrefix()).append("<KEY> (dashes become '_') > this file > default.\n")
        .append("# An unknown key stops the start with its name and line. Check the result with: ferry ").append(name)
        .append(" --print-config\n");
    for (OptionSpec o : cmd.getCommandSpec().options()) {
      String key = o.longestName().replaceFirst("^-+", "");
      if (!keys.contains(key)) {
        continue;
      }
      out.append('\n');
      String text = Arrays.stream(o.description()).collect(Collectors.joining(" "))
          .replaceAll("\\s*\\(default: [^)]*\\)", "").strip();
      if (!text.isEmpty()) {
        wrap(text, out);
      }
      if (o.required()) {
        out.append("# Required.\n");
      }
      String builtIn = o.defaultValue() == null || o.defaultValue().startsWith("${env:") ? "" : o.defaultValue();
      String example = builtIn.isEmpty() ? tlsLayout(name, key) : "";
      if (!example.isEmpty()) {
        // No built-in default, but the package has a place for it: show that instead of an empty value.
        out.append("# Not set by default. Where `ferry certs issue --out /etc/ferry/tls ...` puts it:\n");
      }
      out.append("# ").append(key).append(" =").append(builtIn.isEmpty() ? example.isEmpty() ? "" : " " + example : " " + builtIn)
          .append('\n');
    }
    return out.toString();
  }

  /** The package's layout of the certificate files (/etc/ferry/tls, named as `certs issue` names them), or "". */
  static String tlsLayout(String component, String key) {
    String holder = component.equals("agent") ? "node-NODE" : component;
    return switch (key) {
      case "tls-cert" -> "/etc/ferry/tls/" + holder + ".crt";
      case "tls-key" -> "/etc/ferry/tls/" + holder + ".key";
      case "tls-ca" -> "/etc/ferry/tls/ca.crt";
      default -> "";
    };
  }

  private static void wrap(String text, StringBuilder out) {
    StringBuilder line = new StringBuilder("#");
    for (String word : text.split("\\s+")) {
      if (line.length() + word.length() + 1 > 100) {
        out.append(line).append('\n');
        line = new StringBuilder("#");
      }
      line.append(' ').append(word);
    }
    out.append(line).append('\n');
  }
}
