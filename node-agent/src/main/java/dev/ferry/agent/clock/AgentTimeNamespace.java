package dev.ferry.agent.clock;

import dev.ferry.agent.container.ProcInspector;
import dev.ferry.agent.runtime.TimeOffsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The offsets of the time namespace this agent runs in (none on a plain host; an agent that is
 * itself in a container may have some). The kernel keeps a namespace's offsets relative to the
 * host's clocks, and CRIU computes the restored ones that way too (measured: CRIU 4.2.1 run under
 * {@code unshare --time} with +50 d/+80 d still restores continuous clocks, ForeignClockRestoreIT),
 * while this agent's own readings ({@link HostClock}) include its namespace's offsets.
 */
final class AgentTimeNamespace {
  private AgentTimeNamespace() {}

  static TimeOffsets offsets() {
    try {
      return ProcInspector.parseOffsets(Files.readString(Path.of("/proc/self/timens_offsets")));
    } catch (IOException | RuntimeException e) {
      return TimeOffsets.ZERO; // a kernel without time namespaces
    }
  }
}
