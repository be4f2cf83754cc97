package dev.ferry.transfer.bench;

import java.util.List;

/**
 * Where a row's two ends run: both on this host's loopback, or sender and receiver in the two
 * namespaces of a {@link ShapedLink}.
 */
sealed interface Where {
  String name();

  String receiverHost();

  List<String> sender(List<String> argv);

  List<String> receiver(List<String> argv);

  record Loopback() implements Where {
    @Override
    public String name() {
      return "loopback";
    }

    @Override
    public String receiverHost() {
      return "127.0.0.1";
    }

    @Override
    public List<String> sender(List<String> argv) {
      return argv;
    }

    @Override
    public List<String> receiver(List<String> argv) {
      return argv;
    }
  }

  record Link(ShapedLink link) implements Where {
    @Override
    public String name() {
      return link.rate();
    }

    @Override
    public String receiverHost() {
      return link.receiverAddress();
    }

    @Override
    public List<String> sender(List<String> argv) {
      return ShapedLink.inNamespace(link.senderNamespace(), argv);
    }

    @Override
    public List<String> receiver(List<String> argv) {
      return ShapedLink.inNamespace(link.receiverNamespace(), argv);
    }
  }
}
