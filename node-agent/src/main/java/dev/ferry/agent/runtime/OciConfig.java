package dev.ferry.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the OCI runtime config of a Ferry container: always its own time namespace (a
 * process cannot enter one later, and clock continuity needs it from birth), its own network
 * namespace, stdio behind the {@link StdioShim}, and a cgroup under the node's own parent so
 * two agents on one machine never share one.
 */
public final class OciConfig {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> CAPABILITIES = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
      "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
  private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final StdioShim shim;
  private final String cgroupParent;

  /** @param cgroupParent e.g. {@code /ferry/nodeA}: containers get {@code <parent>/<id>} */
  public OciConfig(StdioShim shim, String cgroupParent) {
    this.shim = shim;
    this.cgroupParent = cgroupParent;
  }

  /** The cgroup a container of this node lives in. */
  public String cgroupPath(ContainerId id) {
    return cgroupParent + "/" + id.value();
  }

  public String render(ContainerSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    root.put("ociVersion", "1.0.2");
    root.set("process", process(spec));
    ObjectNode rootfs = root.putObject("root");
    rootfs.put("path", spec.rootfs().toString());
    rootfs.put("readonly", false);
    root.put("hostname", spec.id().value());
    root.set("mounts", mounts());
    root.set("linux", linux(spec));
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render OCI config", e);
    }
  }

  private ObjectNode process(ContainerSpec spec) {
    ObjectNode p = JSON.createObjectNode();
    p.put("terminal", false);
    ObjectNode user = p.putObject("user");
    user.put("uid", 0);
    user.put("gid", 0);
    ArrayNode args = p.putArray("args");
    shim.wrap(spec.args()).forEach(args::add);
    Map<String, String> env = new TreeMap<>(Map.of("PATH", DEFAULT_PATH));
    env.putAll(spec.env());
    ArrayNode envArray = p.putArray("env");
    env.forEach((k, v) -> envArray.add(k + "=" + v));
    p.put("cwd", spec.workingDir());
    ObjectNode caps = p.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode a = caps.putArray(set);
      CAPABILITIES.forEach(a::add);
    }
    // No rlimits: raising one needs CAP_SYS_RESOURCE, which root may lack; the container inherits the agent's.
    p.put("noNewPrivileges", true);
    return p;
  }

  private ArrayNode mounts() {
    ArrayNode m = JSON.createArrayNode();
    mount(m, "/proc", "proc", "proc");
    mount(m, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
    mount(m, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620");
    mount(m, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
    mount(m, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    mount(m, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
    mount(m, StdioShim.SHELL, "bind", shim.busybox().toString(), "bind", "ro");
    return m;
  }

  private static void mount(ArrayNode mounts, String dest, String type, String source, String... options) {
    ObjectNode m = mounts.addObject();
    m.put("destination", dest);
    m.put("type", type);
    m.put("source", source);
    if (options.length > 0) {
      ArrayNode o = m.putArray("options");
      for (String opt : options) {
        o.add(opt);
      }
    }
  }

  private ObjectNode linux(ContainerSpec spec) {
    ObjectNode linux = JSON.createObjectNode();
    linux.put("cgroupsPath", cgroupPath(spec.id()));
    ObjectNode resources = linux.putObject("resources");
    ArrayNode devices = resources.putArray("devices");
    ObjectNode denyAll = devices.addObject();
    denyAll.put("allow", false);
    denyAll.put("access", "rwm");
    if (spec.memoryLimitBytes() > 0) {
      resources.putObject("memory").put("limit", spec.memoryLimitBytes());
    }
    if (spec.cpuMillicores() > 0) {
      ObjectNode cpu = resources.putObject("cpu");
      cpu.put("period", 100_000);
      cpu.put("quota", spec.cpuMillicores() * 100);
    }
    ArrayNode ns = linux.putArray("namespaces");
    for (String type : List.of("pid", "ipc", "uts", "mount", "time")) {
      ns.addObject().put("type", type);
    }
    ObjectNode net = ns.addObject();
    net.put("type", "network");
    if (spec.netnsPath() != null) {
      net.put("path", spec.netnsPath().toString());
    }
    ObjectNode offsets = linux.putObject("timeOffsets");
    offsets.set("monotonic", offset(spec.timeOffsets().monotonic()));
    offsets.set("boottime", offset(spec.timeOffsets().boottime()));
    ArrayNode masked = linux.putArray("maskedPaths");
    for (String path : List.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/sched_debug", "/sys/firmware", "/proc/scsi")) {
      masked.add(path);
    }
    ArrayNode readonly = linux.putArray("readonlyPaths");
    for (String path : List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")) {
      readonly.add(path);
    }
    return linux;
  }

  private static ObjectNode offset(Duration d) {
    ObjectNode o = JSON.createObjectNode();
    o.put("secs", d.getSeconds());
    o.put("nanosecs", d.getNano());
    return o;
  }
}
