package dev.ferry.cli;

/** The {@code migrate} executable: {@code java -cp ... dev.ferry.cli.MigrateMain [args]}. */
public final class MigrateMain {
  private MigrateMain() {}

  public static void main(String[] args) {
    System.exit(MigrateCli.run(CliRuntime.system(), args));
  }
}
