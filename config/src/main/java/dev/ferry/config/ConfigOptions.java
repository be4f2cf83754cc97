package dev.ferry.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The two flags every configurable component gains ({@link ConfiguredCommand} adds them as a mixin). */
public final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: /etc/ferry/<component>.conf "
      + "if it exists, or the file named by FERRY_<COMPONENT>_CONFIG). Flags win over FERRY_<COMPONENT>_<KEY> variables, "
      + "which win over the file.")
  Path config;

  @Option(names = "--print-config", description = "Print the effective configuration, each value with where it came from, and exit.")
  boolean printConfig;
}
