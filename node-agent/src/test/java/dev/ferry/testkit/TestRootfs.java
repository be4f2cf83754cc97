package dev.ferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Builds a minimal root filesystem: static busybox (with its applets as links) and the
 * ferry-workload and ferry-echo binaries that the test build compiled into the test-jar.
 */
public final class TestRootfs {
  public static final String WORKLOAD = "/bin/ferry-workload";
  public static final String ECHO = "/bin/ferry-echo";
  public static final String HEARTBEAT = "/heartbeat.log";
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  private TestRootfs() {}

  public static Path build(Path rootfs) {
    try {
      for (String dir : new String[] {"bin", "proc", "dev", "sys", "tmp", "etc", ".ferry"}) {
        Files.createDirectories(rootfs.resolve(dir));
      }
      Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
      for (String applet : new String[] {"sh", "sleep", "cat", "ls", "echo", "nc", "httpd", "wget"}) {
        Path link = rootfs.resolve("bin").resolve(applet);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("busybox"));
      }
      copyBinary("ferry-workload", rootfs.resolve("bin/ferry-workload"));
      copyBinary("ferry-echo", rootfs.resolve("bin/ferry-echo"));
      return rootfs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build test rootfs in " + rootfs, e);
    }
  }

  private static void copyBinary(String name, Path to) throws IOException {
    try (InputStream in = TestRootfs.class.getResourceAsStream("/workload/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the test classpath: build node-agent's tests first");
      }
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The echo server's command line inside the container: TCP echo on {@code tcpPort}, UDP echo on {@code udpPort}. */
  public static java.util.List<String> echoArgs(int tcpPort, int udpPort) {
    return java.util.List.of(ECHO, "-t", Integer.toString(tcpPort), "-u", Integer.toString(udpPort));
  }

  /** The workload's command line inside the container. */
  public static java.util.List<String> workloadArgs(int memMiB, double dirtyMiBPerSecond, int intervalMs) {
    return workloadArgs(memMiB, dirtyMiBPerSecond, 0, intervalMs);
  }

  /** @param workingSetMiB the rewrites stay within the first this many MiB; 0 for all of the memory */
  public static java.util.List<String> workloadArgs(int memMiB, double dirtyMiBPerSecond, int workingSetMiB, int intervalMs) {
    String dirty = java.math.BigDecimal.valueOf(dirtyMiBPerSecond).stripTrailingZeros().toPlainString();
    return java.util.List.of(WORKLOAD, "-m", Integer.toString(memMiB), "-d", dirty, "-w", Integer.toString(workingSetMiB),
        "-i", Integer.toString(intervalMs), "-o", HEARTBEAT);
  }
}
