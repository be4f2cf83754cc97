package dev.ferry.agent;

/**
 * A failure the agent explains: a stable reason, a sentence for humans, and where CRIU was
 * involved, the tail of its log.
 */
public class AgentException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final FailureReason reason;
  private final String criuLogTail;

  public AgentException(FailureReason reason, String message) {
    this(reason, message, "", null);
  }

  public AgentException(FailureReason reason, String message, String criuLogTail, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.criuLogTail = criuLogTail == null ? "" : criuLogTail;
  }

  public FailureReason reason() {
    return reason;
  }

  public String criuLogTail() {
    return criuLogTail;
  }

  public static AgentException notFound(String containerId) {
    return new AgentException(FailureReason.CONTAINER_NOT_FOUND, "container '" + containerId + "' does not exist on this node");
  }

  public static AgentException invalid(String message) {
    return new AgentException(FailureReason.INVALID_ARGUMENT, message);
  }
}
