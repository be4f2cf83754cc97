package dev.ferry.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ferry.proto.v1.FerryError;
import dev.ferry.proto.v1.Phase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns failures into what the operator reads and the exit code scripts see:
 * the FerryError reason code and sentence when the coordinator sent one, never a stack trace.
 */
final class CliErrors implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    CliFailure failure = ex instanceof CliFailure f ? f : unexpected(ex);
    cmd.getErr().println(failure.getMessage());
    cmd.getErr().flush();
    return failure.exitCode();
  }

  /** An RPC error from the coordinator at {@code target}. */
  static CliFailure fromRpc(StatusRuntimeException e, String target) {
    Optional<FerryError> detail = ferryError(e);
    Status status = e.getStatus();
    if (detail.isEmpty() && status.getCode() == Status.Code.UNAVAILABLE) {
      return new CliFailure(
          ExitCodes.UNREACHABLE,
          "error: coordinator unreachable at " + target + ": " + orElse(status.getDescription(), "unavailable")
              + cause(e) + "; check --coordinator or " + CliRuntime.COORDINATOR_ENV,
          e);
    }
    String text = detail
        .map(d -> describe(d) + " [" + status.getCode() + "]")
        .orElseGet(() -> "error: " + status.getCode() + ": " + orElse(status.getDescription(), "no description"));
    return new CliFailure(ExitCodes.FAILED, text, e);
  }

  /** {@code error: CRIU_DUMP_FAILED in freeze-and-dump on node-a: sentence}, plus CRIU's log tail. */
  static String describe(FerryError error) {
    var text = new StringBuilder("error: ").append(error.getReason().name());
    if (error.getPhase() != Phase.PHASE_UNSPECIFIED) {
      text.append(" in ").append(Render.phase(error.getPhase()));
    }
    if (!error.getNode().isBlank()) {
      text.append(" on ").append(error.getNode());
    }
    text.append(": ").append(orElse(error.getMessage(), "no message"));
    if (!error.getCommand().isBlank()) {
      text.append("\n  command: ").append(error.getCommand()).append(" (exit ").append(error.getExitCode()).append(')');
    }
    if (!error.getCriuLogTail().isBlank()) {
      text.append("\n  criu log tail:");
      error.getCriuLogTail().lines().forEach(line -> text.append("\n    ").append(line));
    }
    return text.toString();
  }

  static Optional<FerryError> ferryError(Throwable e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return Optional.empty();
    }
    for (Any any : status.getDetailsList()) {
      if (any.is(FerryError.class)) {
        try {
          return Optional.of(any.unpack(FerryError.class));
        } catch (InvalidProtocolBufferException ignored) {
          // A malformed detail is no detail: fall back to the status description.
        }
      }
    }
    return Optional.empty();
  }

  private static CliFailure unexpected(Exception ex) {
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    return new CliFailure(ExitCodes.FAILED, "error: " + message, ex);
  }

  /** gRPC's own description is often just "io exception"; the root cause says "Connection refused". */
  private static String cause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root != e && root.getMessage() != null ? ": " + root.getMessage() : "";
  }

  private static String orElse(String s, String fallback) {
    return s == null || s.isBlank() ? fallback : s;
  }
}
