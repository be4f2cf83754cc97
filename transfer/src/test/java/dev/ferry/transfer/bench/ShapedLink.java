package dev.ferry.transfer.bench;

import dev.ferry.process.ProcessRunner;
import dev.ferry.process.ProcessSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A real rate-limited link: two network namespaces joined by a veth pair whose both ends are
 * shaped by a token bucket (tc tbf), so a sender in {@link #senderNamespace} reaching
 * {@link #receiverAddress} crosses a link of {@code rate} (e.g. "1gbit") like a NIC would.
 * Created through the ProcessRunner, removed on close (also any leftover of an aborted run).
 */
public record ShapedLink(ProcessRunner runner, String prefix, String subnet24, String rate) implements AutoCloseable {

  public String senderNamespace() {
    return prefix + "-a";
  }

  public String receiverNamespace() {
    return prefix + "-b";
  }

  public String senderAddress() {
    return subnet24 + ".1";
  }

  public String receiverAddress() {
    return subnet24 + ".2";
  }

  /** Creates the namespaces, the veth pair, the addresses and the shaping; returns this. */
  public ShapedLink up() {
    close();
    String a = senderNamespace();
    String b = receiverNamespace();
    String va = prefix + "-va";
    String vb = prefix + "-vb";
    List<List<String>> steps = new ArrayList<>(List.of(
        List.of("ip", "netns", "add", a),
        List.of("ip", "netns", "add", b),
        List.of("ip", "link", "add", va, "type", "veth", "peer", "name", vb),
        List.of("ip", "link", "set", va, "netns", a),
        List.of("ip", "link", "set", vb, "netns", b),
        List.of("ip", "-n", a, "addr", "add", senderAddress() + "/24", "dev", va),
        List.of("ip", "-n", b, "addr", "add", receiverAddress() + "/24", "dev", vb)));
    for (String[] end : new String[][] {{a, va}, {b, vb}}) {
      steps.add(List.of("ip", "-n", end[0], "link", "set", "lo", "up"));
      steps.add(List.of("ip", "-n", end[0], "link", "set", end[1], "up"));
      // Burst must hold a GSO super-packet (64 KiB) or tbf drops it; 256 KiB keeps 1 Gbit/s exact.
      steps.add(List.of("ip", "netns", "exec", end[0], "tc", "qdisc", "add", "dev", end[1], "root", "tbf",
          "rate", rate, "burst", "256kb", "latency", "20ms"));
    }
    for (List<String> step : steps) {
      runner.runChecked(ProcessSpec.of(step));
    }
    return this;
  }

  /** The argv prefix that runs a command inside {@code namespace}. */
  public static List<String> inNamespace(String namespace, List<String> argv) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    all.addAll(argv);
    return all;
  }

  @Override
  public void close() {
    // Deleting a namespace deletes the veth end inside it, and with it the peer.
    runner.run(ProcessSpec.of("ip", "netns", "del", senderNamespace()));
    runner.run(ProcessSpec.of("ip", "netns", "del", receiverNamespace()));
  }
}
