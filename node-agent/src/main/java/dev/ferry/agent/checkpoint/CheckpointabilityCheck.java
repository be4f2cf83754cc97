package dev.ferry.agent.checkpoint;

import dev.ferry.agent.container.ContainerManager;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.agent.runtime.ContainerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds what CRIU will refuse, by reading /proc, without freezing anything: file descriptors
 * on mounts outside the container's mount namespace (host files), devices other than the
 * standard ones, unix sockets that belong to another network namespace, and filesystems CRIU
 * cannot restore. Each is reported with the process and the offending item.
 */
public final class CheckpointabilityCheck {
  private static final Set<String> STANDARD_DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random",
      "/dev/urandom", "/dev/tty", "/dev/ptmx", "/dev/console");
  private static final Set<String> UNSUPPORTED_FS = Set.of("fuse", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "9p", "vboxsf");

  private final ContainerManager containers;

  public CheckpointabilityCheck(ContainerManager containers) {
    this.containers = containers;
  }

  public List<Obstacle> check(ContainerId id) {
    ContainerView view = RunningCheck.require(containers, id, "check");
    int init = view.pid();
    Set<String> containerMounts = new HashSet<>();
    List<Obstacle> obstacles = new ArrayList<>();
    for (String line : lines(proc(init, "mountinfo"))) {
      String[] f = line.split(" ");
      containerMounts.add(f[0]);
      int dash = List.of(f).indexOf("-");
      if (dash > 0 && dash + 1 < f.length && UNSUPPORTED_FS.contains(f[dash + 1])) {
        obstacles.add(new Obstacle(Obstacle.Kind.UNSUPPORTED_MOUNT, f[4], init, "a " + f[dash + 1] + " mount, which CRIU cannot restore"));
      }
    }
    Set<String> unixInodes = new HashSet<>();
    for (String line : lines(proc(init, "net/unix"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 7 && !f[0].startsWith("Num")) {
        unixInodes.add(f[6]);
      }
    }
    for (int pid : processes(init)) {
      inspectFds(pid, containerMounts, unixInodes, obstacles);
    }
    return obstacles;
  }

  private void inspectFds(int pid, Set<String> containerMounts, Set<String> unixInodes, List<Obstacle> out) {
    Path fdDir = proc(pid, "fd");
    try (Stream<Path> fds = Files.list(fdDir)) {
      for (Path fd : fds.toList()) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        String name = fd.getFileName().toString();
        if (target.startsWith("socket:[")) {
          String inode = target.substring(8, target.length() - 1);
          if (isUnixSocketElsewhere(pid, inode, unixInodes)) {
            out.add(new Obstacle(Obstacle.Kind.EXTERNAL_UNIX_SOCKET, target, pid,
                "fd " + name + " is a unix socket of another network namespace (connected to the host?)"));
          }
        } else if (target.startsWith("/")) {
          String mnt = mountId(pid, name);
          if (mnt != null && !containerMounts.contains(mnt)) {
            out.add(new Obstacle(Obstacle.Kind.HOST_FILE_DESCRIPTOR, target, pid,
                "fd " + name + " is open on a mount the container cannot see (a host file)"));
          } else if (target.startsWith("/dev/") && !target.startsWith("/dev/pts/") && !target.startsWith("/dev/shm/")
              && !STANDARD_DEVICES.contains(target) && isDevice(pid, name)) {
            out.add(new Obstacle(Obstacle.Kind.DEVICE, target, pid, "fd " + name + " is open on a device CRIU cannot carry"));
          }
        }
      }
    } catch (IOException e) {
      // the process exited while we looked: nothing of it to checkpoint
    }
  }

  private boolean isUnixSocketElsewhere(int pid, String inode, Set<String> containerUnix) {
    // The socket is a unix socket (the host's table knows it) but the container's netns does not list it.
    boolean unixSomewhere = lines(Path.of("/proc/self/net/unix")).stream().anyMatch(l -> l.trim().endsWith(" " + inode) || l.contains(" " + inode + " "));
    return unixSomewhere && !containerUnix.contains(inode);
  }

  private static boolean isDevice(int pid, String fd) {
    try {
      Path p = proc(pid, "fd/" + fd);
      return !Files.isRegularFile(p) && !Files.isDirectory(p);
    } catch (SecurityException e) {
      return false;
    }
  }

  private static String mountId(int pid, String fd) {
    for (String line : lines(proc(pid, "fdinfo/" + fd))) {
      if (line.startsWith("mnt_id:")) {
        return line.substring(7).strip();
      }
    }
    return null;
  }

  /** The container's init and all its descendants. */
  private static List<Integer> processes(int init) {
    List<Integer> all = new ArrayList<>();
    List<Integer> todo = new ArrayList<>(List.of(init));
    while (!todo.isEmpty()) {
      int pid = todo.removeLast();
      all.add(pid);
      try (Stream<Path> tasks = Files.list(proc(pid, "task"))) {
        for (Path task : tasks.toList()) {
          for (String child : String.join(" ", lines(task.resolve("children"))).trim().split("\\s+")) {
            if (!child.isEmpty()) {
              todo.add(Integer.parseInt(child));
            }
          }
        }
      } catch (IOException e) {
        // gone
      }
    }
    return all;
  }

  private static Path proc(int pid, String what) {
    return Path.of("/proc", Integer.toString(pid), what);
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}
