package dev.ferry.transfer.receive;

import dev.ferry.transfer.Admission;
import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The receiving side of all transfers on one agent: admits calls, checks free disk, and keeps
 * each transfer's session until it commits or is abandoned (its resume window).
 */
public final class Receiver {
  private final Admission admission;
  private final ReceiverOptions options;
  private final Ticker ticker;
  private final Map<String, ReceiveSession> sessions = new ConcurrentHashMap<>();

  public Receiver(Admission admission, ReceiverOptions options, Ticker ticker) {
    this.admission = Objects.requireNonNull(admission, "admission");
    this.options = Objects.requireNonNull(options, "options");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** Admits a call and returns its transfer's session (new, or the one a resumed call continues). */
  public ReceiveSession open(OpenRequest request) {
    expireAbandoned();
    Path target = admission.admit(request.migrationId(), request.token(), request.sourceNode(), request.destination());
    if (target == null || !target.isAbsolute() || target.getParent() == null) {
      throw new TransferException(FailureReason.INTERNAL_ERROR, "admission returned an unusable directory: " + target);
    }
    // Failed sessions stay as tombstones until they expire: a late call learns the first cause.
    ReceiveSession session = sessions.computeIfAbsent(request.transferId(), id -> create(request, target));
    if (!session.target().equals(target) || !session.opened().migrationId().equals(request.migrationId())) {
      throw TransferException.denied("transfer " + request.transferId() + " belongs to another migration or destination");
    }
    session.requireNotFailed();
    session.callStarted();
    return session;
  }

  private ReceiveSession create(OpenRequest request, Path target) {
    Path parent = target.getParent();
    if (Files.exists(target) && !admission.replaces(request.migrationId(), target)) {
      throw new TransferException(FailureReason.FAILED_PRECONDITION, "destination " + target + " already exists");
    }
    if (!Files.isDirectory(parent)) {
      throw new TransferException(FailureReason.FAILED_PRECONDITION, "migration directory " + parent + " does not exist");
    }
    checkFreeDisk(parent, request.bytesTotal());
    Path base = request.baseDestination().isEmpty() ? null : admittedBase(request);
    Path staging = parent.resolve("." + target.getFileName() + ".partial-" + request.transferId());
    try {
      Files.createDirectory(staging);
      if (base != null) {
        TreeClone.hardlinkCopy(base, staging);
      }
    } catch (IOException e) {
      throw DiskErrors.fromWrite(e, staging.toString());
    }
    return new ReceiveSession(request, target, staging, base != null, ticker.nanos());
  }

  private Path admittedBase(OpenRequest request) {
    Path base = admission.admit(request.migrationId(), request.token(), request.sourceNode(), request.baseDestination());
    if (base == null || !Files.isDirectory(base, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new TransferException(FailureReason.FAILED_PRECONDITION,
          "the delta's base " + request.baseDestination() + " has not been received (" + base + ")");
    }
    return base;
  }

  private void checkFreeDisk(Path dir, long bytes) {
    try {
      long usable = Files.getFileStore(dir).getUsableSpace();
      if (usable < bytes + options.reserveBytes()) {
        throw new TransferException(FailureReason.DISK_FULL, "not enough free disk in %s: %d bytes free, transfer needs %d plus a reserve of %d"
            .formatted(dir, usable, bytes, options.reserveBytes()));
      }
    } catch (IOException e) {
      throw new TransferException(FailureReason.INTERNAL_ERROR, "cannot read free space of " + dir + ": " + e.getMessage(), false, e);
    }
  }

  /** Fails and removes a transfer (the caller gave up on it). */
  public void abort(String transferId, TransferException why) {
    ReceiveSession s = sessions.get(transferId);
    if (s != null) {
      s.fail(why);
    }
  }

  /** Drops sessions that committed or failed long ago and deletes abandoned partial ones. */
  public void expireAbandoned() {
    long now = ticker.nanos();
    long limit = options.abandonAfter().toNanos();
    sessions.values().removeIf(s -> {
      if (s.abandoned(now, limit)) {
        s.fail(new TransferException(FailureReason.TIMEOUT, "abandoned: no call for " + options.abandonAfter()));
        return true; // committed and failed ones are simply forgotten
      }
      return false;
    });
  }

  public long nowNanos() {
    return ticker.nanos();
  }
}
