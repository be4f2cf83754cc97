package dev.ferry.agent.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives a container stdio that CRIU can checkpoint.
 *
 * <p>CRIU refuses to dump a process whose stdio points at a host file, and a pipe to the agent
 * would die with the agent. So the container's command runs behind a static busybox shell,
 * bind-mounted read-only at {@value #SHELL}, that reopens stdin on the container's own
 * /dev/null and stdout/stderr on {@value #LOG} inside the container's root filesystem, then
 * execs the real command: nothing of the shell remains, and the log travels with the rootfs.
 */
public final class StdioShim {
  public static final String SHELL = "/.ferry/sh";
  public static final String LOG = "/.ferry/stdio.log";
  private static final String SCRIPT = "exec \"$0\" \"$@\" </dev/null >>" + LOG + " 2>&1";

  private final Path busybox;

  public StdioShim(Path busybox) {
    this.busybox = busybox;
  }

  public Path busybox() {
    return busybox;
  }

  /** The args crun runs: the shim, then the user's command. */
  public List<String> wrap(List<String> command) {
    List<String> args = new ArrayList<>(List.of(SHELL, "-c", SCRIPT));
    args.addAll(command);
    return args;
  }
}
