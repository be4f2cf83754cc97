package dev.ferry.agent.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a new container's files and defaults come from: a rootfs directory, or a user's OCI bundle. */
record BundleSource(Path rootfs, List<String> args, Map<String, String> env, String workingDir) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static BundleSource fromBundle(Path bundle) {
    Path config = bundle.resolve("config.json");
    JsonNode root;
    try {
      root = JSON.readTree(config.toFile());
    } catch (IOException e) {
      throw AgentException.invalid("bundle '" + bundle + "' has no readable config.json: " + e.getMessage());
    }
    String rootPath = root.path("root").path("path").asText("rootfs");
    Path rootfs = bundle.resolve(rootPath).normalize();
    if (!rootfs.startsWith(bundle) || !Files.isDirectory(rootfs)) {
      throw AgentException.invalid("bundle '" + bundle + "' names root.path '" + rootPath + "', which is not a directory inside the bundle");
    }
    List<String> args = new ArrayList<>();
    root.path("process").path("args").forEach(a -> args.add(a.asText()));
    Map<String, String> env = new LinkedHashMap<>();
    root.path("process").path("env").forEach(e -> {
      String kv = e.asText();
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    });
    return new BundleSource(rootfs, args, env, root.path("process").path("cwd").asText("/"));
  }
}
