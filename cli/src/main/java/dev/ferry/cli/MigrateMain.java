package dev.ferry.cli;

/** The {@code migrate} executable: {@code java -cp ... dev.ferry.cli.MigrateMain [args]}. */
public final class MigrateMain {
  private MigrateMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command in this JVM, printing to System.out/err; returns its exit code. */
  public static int run(String... args) {
    return MigrateCli.run(CliRuntime.system(), args);
  }
}
