package dev.ferry.agent.container;

import dev.ferry.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Client-supplied paths are checked before use: absolute, canonical, an existing directory, outside the agent's state. */
public final class SourcePaths {
  private SourcePaths() {}

  public static Path directory(String what, Path path, Path agentState) {
    if (!path.isAbsolute()) {
      throw AgentException.invalid(what + " must be an absolute path, was '" + path + "'");
    }
    if (!path.normalize().equals(path)) {
      throw AgentException.invalid(what + " must not contain '.' or '..' segments, was '" + path + "'");
    }
    if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw AgentException.invalid(what + " '" + path + "' is not a directory on this node");
    }
    try {
      Path real = path.toRealPath();
      if (!real.equals(path)) {
        throw AgentException.invalid(what + " '" + path + "' goes through a symbolic link (to '" + real + "')");
      }
      if (real.startsWith(agentState.toRealPath())) {
        throw AgentException.invalid(what + " '" + path + "' is inside the agent's own state directory");
      }
      return real;
    } catch (IOException e) {
      throw AgentException.invalid(what + " '" + path + "' cannot be resolved: " + e.getMessage());
    }
  }
}
