package dev.ferry.transfer.receive;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.ChunkDecoder;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.RelativePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tree transfer on the receiving side: its staging directory, the state of every file, and
 * the commit that renames the staging directory into place. Survives broken calls so the sender
 * can resume; calls are the owners that write files.
 */
public final class ReceiveSession {
  private static final Logger log = LoggerFactory.getLogger(ReceiveSession.class);

  private enum State { OPEN, COMMITTED, FAILED }

  private final OpenRequest opened;
  /** A delta starts from a copy of its base: new content replaces what is at the path. */
  private final boolean replaceExisting;
  private final Path target;
  private final StagingTree staging;
  private final ConcurrentHashMap<Integer, IncomingFile> files = new ConcurrentHashMap<>();
  private final AtomicInteger activeCalls = new AtomicInteger();
  private volatile State state = State.OPEN;
  private volatile TransferException failure;
  private volatile long idleSinceNanos;
  private volatile byte[] zeros = new byte[0];

  ReceiveSession(OpenRequest opened, Path target, Path stagingDir, boolean replaceExisting, long nowNanos) {
    this.opened = opened;
    this.replaceExisting = replaceExisting;
    this.target = target;
    this.staging = new StagingTree(stagingDir, replaceExisting);
    this.idleSinceNanos = nowNanos;
  }

  public String transferId() {
    return opened.transferId();
  }

  public Path target() {
    return target;
  }

  OpenRequest opened() {
    return opened;
  }

  public ResumePoint resumePoint() {
    List<ResumePoint.FileProgress> progress = files.values().stream().map(IncomingFile::progress).toList();
    return new ResumePoint(progress, state == State.COMMITTED, opened.wholeFileHash(), true);
  }

  /**
   * A call starts sending a regular file, from the start or from a verified offset. A new file is
   * created relative to the call's last directory when it is there.
   */
  public void startFile(Object call, Entry.RegularFile file, long resumeOffset, LastDirectory lastDirectory) {
    requireOpen();
    if (file.index() < 0 || (!opened.pipelined() && file.index() >= opened.filesTotal())) {
      throw TransferException.invalid("file index " + file.index() + " outside 0.." + (opened.filesTotal() - 1));
    }
    firstCause(() -> files.computeIfAbsent(file.index(), i -> create(file, lastDirectory))
        .takeOver(call, file.path(), file.attributes(), resumeOffset));
  }

  private IncomingFile create(Entry.RegularFile file, LastDirectory lastDirectory) {
    try {
      if (replaceExisting) {
        // A delta replaces and deletes entries, directories among them: no directory is held open across files.
        Path path = staging.resolveForWrite(file.path());
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          StagingTree.deleteRecursively(path);
          staging.forgetDirectories();
        }
        return new IncomingFile(file.index(), file.path(), path, file.attributes(), opened.wholeFileHash(), staging.created());
      }
      String relative = file.path();
      String parent = RelativePath.parent(relative);
      Path path;
      if (lastDirectory.holds(parent)) {
        RelativePath.check(relative, false); // its directory was made or checked for this call's previous file
        path = staging.root().resolve(relative);
      } else {
        path = staging.resolveForWrite(relative);
      }
      String name = RelativePath.name(relative);
      return new IncomingFile(file.index(), relative, path, file.attributes(), opened.wholeFileHash(), staging.created(),
          mode -> lastDirectory.create(parent, path.getParent(), name, mode, path));
    } catch (IOException e) {
      throw DiskErrors.fromWrite(e, file.path());
    }
  }

  public void chunk(Object call, IncomingChunk chunk, ChunkDecoder decoder) {
    requireOpen();
    firstCause(() -> file(chunk.fileIndex()).write(call, chunk, decoder, zeros(chunk.rawLength())));
  }

  /** Verifies a finished file; throws IMAGE_CHECKSUM_MISMATCH if it is not what the sender read. */
  public void endFile(Object call, int fileIndex, long size, byte[] digest) {
    requireOpen();
    firstCause(() -> file(fileIndex).finish(call, size, digest));
  }

  /**
   * Creates the other entries, applies directory metadata and renames the staging directory to
   * the target. Idempotent: committing a committed transfer does nothing.
   */
  public synchronized void commit(List<Entry> structure, int filesTotal) {
    if (state == State.COMMITTED) {
      return;
    }
    requireOpen();
    if (filesTotal < 0) {
      throw TransferException.invalid("commit names " + filesTotal + " files");
    }
    if (!opened.pipelined() && filesTotal != opened.filesTotal()) {
      throw TransferException.invalid("commit names " + filesTotal + " files, the transfer opened with " + opened.filesTotal());
    }
    if (files.keySet().stream().anyMatch(i -> i >= filesTotal)) {
      throw TransferException.invalid("commit names " + filesTotal + " files, but more arrived");
    }
    for (int i = 0; i < filesTotal; i++) {
      IncomingFile f = files.get(i);
      if (f == null || !f.complete()) {
        throw new TransferException(FailureReason.FAILED_PRECONDITION,
            "cannot commit: file " + i + (f == null ? " never arrived" : " (" + f.path + ") is not verified"));
      }
    }
    try {
      createStructure(structure);
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        // An earlier transfer's tree, which the admission let this one replace: swap, then drop it.
        Path replaced = target.resolveSibling("." + target.getFileName() + ".replaced-" + opened.transferId());
        Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
        Files.move(staging.root(), target, StandardCopyOption.ATOMIC_MOVE);
        StagingTree.deleteRecursively(replaced);
        log.info("transfer {} replaced the earlier tree at {}", opened.transferId(), target);
      } else {
        Files.move(staging.root(), target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw DiskErrors.fromWrite(e, "the tree structure of " + target);
    }
    state = State.COMMITTED;
    // A committed session lives on for its resume window only to answer "committed": its files' descriptors
    // are closed and their hash states spent (about 1 KiB a file, 20 MiB for a root filesystem).
    files.clear();
    log.info("transfer {} committed into {} ({} files)", opened.transferId(), target, filesTotal);
  }

  private void createStructure(List<Entry> structure) throws IOException {
    List<Entry> symlinks = new ArrayList<>();
    for (Entry e : structure) {
      if (e instanceof Entry.Symlink) {
        symlinks.add(e); // last: no later entry may be written through a link
      } else {
        staging.create(e);
      }
    }
    for (Entry e : symlinks) {
      staging.create(e);
    }
    for (Entry e : structure) {
      switch (e) {
        case Entry.Symlink s -> staging.applyAttributes(staging.resolveExisting(s.path()), s.attributes(), true);
        case Entry.Special s -> staging.applyAttributes(staging.resolveExisting(s.path()), s.attributes(), false);
        default -> { }
      }
    }
    // Directories deepest first: creating children changes a directory's mtime.
    List<Entry.Directory> dirs = structure.stream()
        .filter(Entry.Directory.class::isInstance).map(Entry.Directory.class::cast)
        .sorted(Comparator.comparingInt((Entry.Directory d) -> d.path().length()).reversed())
        .toList();
    for (Entry.Directory d : dirs) {
      Path p = d.path().isEmpty() ? staging.root() : staging.resolveExisting(d.path());
      staging.applyDirectoryAttributes(p, d.attributes());
    }
  }

  /** Deletes the staging directory: nothing partial survives a failed transfer. */
  public synchronized void fail(TransferException why) {
    if (state != State.OPEN) {
      return;
    }
    failure = why;
    state = State.FAILED;
    files.values().forEach(IncomingFile::closeQuietly);
    try {
      if (Files.exists(staging.root())) {
        StagingTree.deleteRecursively(staging.root());
      }
      log.warn("transfer {} into {} failed, staging removed: {}", opened.transferId(), target, why.getMessage());
    } catch (IOException e) {
      log.error("transfer {} failed and its staging directory {} could not be removed", opened.transferId(), staging.root(), e);
    }
  }

  public boolean committed() {
    return state == State.COMMITTED;
  }

  void callStarted() {
    activeCalls.incrementAndGet();
  }

  public void callEnded(long nowNanos) {
    if (activeCalls.decrementAndGet() == 0) {
      idleSinceNanos = nowNanos;
    }
  }

  boolean abandoned(long nowNanos, long abandonAfterNanos) {
    return activeCalls.get() == 0 && nowNanos - idleSinceNanos > abandonAfterNanos;
  }

  private IncomingFile file(int index) {
    IncomingFile f = files.get(index);
    if (f == null) {
      throw TransferException.invalid("data for file " + index + " before its header");
    }
    return f;
  }

  /**
   * Runs a file operation; if the transfer failed meanwhile (another call closed its files), the
   * error is a consequence and the first cause is reported instead.
   */
  private void firstCause(Runnable operation) {
    try {
      operation.run();
    } catch (TransferException e) {
      requireNotFailed();
      throw e;
    }
  }

  void requireNotFailed() {
    if (state == State.FAILED) {
      throw firstCauseOnceCleanedUp();
    }
  }

  /**
   * Every call of a failed transfer reports the first cause, not a consequence of it; and only once
   * {@link #fail} has removed the staging directory (it holds this lock until then): a sender told
   * of the failure by another call finds nothing partial left.
   */
  private synchronized TransferException firstCauseOnceCleanedUp() {
    return new TransferException(failure.reason(), "transfer failed: " + failure.getMessage());
  }

  private void requireOpen() {
    requireNotFailed();
    if (state != State.OPEN) {
      throw new TransferException(FailureReason.FAILED_PRECONDITION,
          "transfer " + opened.transferId() + " is already " + state.name().toLowerCase());
    }
  }

  private byte[] zeros(int length) {
    byte[] z = zeros;
    if (z.length < length) {
      z = new byte[length];
      zeros = z;
    }
    return z;
  }
}
