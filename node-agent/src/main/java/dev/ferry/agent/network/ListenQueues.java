package dev.ferry.agent.network;

/** Reads {@code ss -Htan}: how many connections the kernel holds that no application has accepted yet. */
final class ListenQueues {
  private ListenQueues() {}

  /** Connections in listen queues (a LISTEN socket's Recv-Q) plus handshakes under way (SYN-RECV). */
  static int waiting(String ssOutput) {
    int waiting = 0;
    for (String line : ssOutput.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 2) {
        continue;
      }
      if (f[0].equals("LISTEN")) {
        waiting += parse(f[1]);
      } else if (f[0].equals("SYN-RECV")) {
        waiting++;
      }
    }
    return waiting;
  }

  private static int parse(String number) {
    try {
      return Integer.parseInt(number);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
