package dev.ferry.transfer.receive;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.ByteSlice;
import dev.ferry.transfer.codec.ChunkDecoder;
import dev.ferry.transfer.codec.Codec;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.codec.ZeroPages;
import dev.ferry.transfer.tree.EntryAttributes;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One regular file being received. Only its current owner (one call) may write; a resumed call
 * takes ownership, and chunks the old call still delivers are refused. The whole-file hash covers
 * exactly the verified prefix, so a resumed file continues hashing where it stopped.
 */
final class IncomingFile {
  final int index;
  final String path;
  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final WholeFileHash hash;
  /** Released once the file is verified: a root filesystem's verified files stay in the session until its commit. */
  private WholeFileHash.Digest digest;
  /** Who the file belongs to from its creation: no chown when that is who it should belong to. */
  private final StagingTree.Created created;
  /** Written and sealed through its descriptor: one open per file, no path lookups after it. */
  private final int fd;
  /** The mode the file was created with, after the umask: no chmod when it is the wanted one ({@link NativeFiles#KEEP}: unknown). */
  private final int modeOnDisk;
  private EntryAttributes attributes;
  private Object owner;
  private long verified;
  /** Where the last written data ends; a file that ends in zero chunks or pages (a hole) is shorter on disk. */
  private long dataEnd;
  private boolean complete;
  /** The descriptor is open: sealing closes it, as does a failed transfer; never twice (its number may be reused). */
  private boolean open = true;

  /** Creates the file on disk, exclusively, with a mode; returns its descriptor. */
  interface Creation {
    int create(int mode) throws IOException;
  }

  IncomingFile(int index, String path, Path file, EntryAttributes attributes, WholeFileHash hash, StagingTree.Created created)
      throws IOException {
    this(index, path, file, attributes, hash, created, mode -> NativeFiles.create(file, mode));
  }

  IncomingFile(int index, String path, Path file, EntryAttributes attributes, WholeFileHash hash, StagingTree.Created created,
      Creation creation) throws IOException {
    this.index = index;
    this.path = path;
    this.file = file;
    this.attributes = attributes;
    this.hash = hash;
    this.digest = hash.start();
    this.created = created;
    int createMode = created.fileCreateMode(attributes.mode());
    this.fd = creation.create(createMode);
    this.modeOnDisk = created.fileModeOnDisk(createMode);
  }

  /** A call starts (or resumes) sending this file from {@code offset}. */
  void takeOver(Object newOwner, String newPath, EntryAttributes newAttributes, long offset) {
    lock.lock();
    try {
      if (!newPath.equals(path)) {
        throw TransferException.invalid("file " + index + " is " + path + ", the resumed call calls it " + newPath);
      }
      if (offset > verified) {
        throw TransferException.invalid(path + ": resume at " + offset + " but only " + verified + " bytes are verified");
      }
      owner = newOwner;
      attributes = newAttributes;
    } finally {
      lock.unlock();
    }
  }

  void write(Object caller, IncomingChunk chunk, ChunkDecoder decoder, byte[] zeros) {
    lock.lock();
    try {
      requireOwner(caller);
      if (complete) {
        throw TransferException.invalid(path + ": chunk after the file was verified");
      }
      long end = chunk.offset() + chunk.rawLength();
      if (end <= verified) {
        return; // resent after a resume: already verified and written
      }
      if (chunk.offset() != verified) {
        throw TransferException.invalid(path + ": chunk at " + chunk.offset() + " but " + verified + " bytes are verified");
      }
      String where = path + " @" + chunk.offset();
      if (chunk.codec() == Codec.ZERO) {
        // Left as a hole: zero pages cost neither wire nor disk.
        digest.update(zeros, 0, chunk.rawLength());
      } else if (chunk.zeroPages().length == 0) {
        ByteSlice raw = decoder.decode(chunk.codec(), chunk.data(), chunk.rawLength(), chunk.crc32c(), where);
        writeFully(raw, chunk.offset());
        digest.update(raw.array(), raw.offset(), raw.length());
        dataEnd = end;
      } else {
        writePages(chunk, decoder, zeros, where);
      }
      verified = end;
    } finally {
      lock.unlock();
    }
  }

  /** A chunk whose zero pages were left out: they stay holes, its other pages are written where they belong. */
  private void writePages(IncomingChunk chunk, ChunkDecoder decoder, byte[] zeros, String where) {
    byte[] map = chunk.zeroPages();
    ByteSlice packed = decoder.decode(chunk.codec(), chunk.data(), ZeroPages.packedLength(map, chunk.rawLength()), chunk.crc32c(), where);
    int[] taken = {0};
    ZeroPages.forEachRun(map, chunk.rawLength(), (zero, from, size) -> {
      if (zero) {
        digest.update(zeros, 0, size);
      } else {
        ByteSlice run = packed.slice(taken[0], size);
        writeFully(run, chunk.offset() + from);
        digest.update(run.array(), run.offset(), size);
        taken[0] += size;
        dataEnd = chunk.offset() + from + size;
      }
    });
  }

  /** Verifies size and whole-file hash; on success the file is closed with its metadata applied. */
  void finish(Object caller, long size, byte[] expectedDigest) {
    lock.lock();
    try {
      requireOwner(caller);
      if (complete) {
        return;
      }
      if (verified != size) {
        throw TransferException.checksum(path + ": sender says " + size + " bytes, " + verified + " arrived");
      }
      byte[] actual = digest.finish();
      if (!MessageDigest.isEqual(actual, expectedDigest)) {
        throw TransferException.checksum("%s: %s mismatch (sender %s, received %s)".formatted(path,
            hash.displayName(), HexFormat.of().formatHex(expectedDigest), HexFormat.of().formatHex(actual)));
      }
      digest = null;
      try {
        requireOpen();
        open = false; // sealing closes the descriptor, also when it fails
        // The file was created empty and written in order: only a trailing hole (zero chunks or pages) leaves it short.
        long extendTo = dataEnd < size ? size : NativeFiles.LENGTH_IS_RIGHT;
        boolean ownerRight = created.owns(attributes);
        boolean modeRight = modeOnDisk != NativeFiles.KEEP && (attributes.mode() & 07777) == modeOnDisk;
        NativeFiles.seal(fd, extendTo, ownerRight ? NativeFiles.KEEP : attributes.uid(), ownerRight ? NativeFiles.KEEP : attributes.gid(),
            modeRight ? NativeFiles.KEEP : attributes.mode(), attributes.mtimeNanos(), file);
      } catch (IOException e) {
        throw DiskErrors.fromWrite(e, path);
      }
      complete = true;
    } finally {
      lock.unlock();
    }
  }

  ResumePoint.FileProgress progress() {
    lock.lock();
    try {
      return new ResumePoint.FileProgress(index, verified, complete);
    } finally {
      lock.unlock();
    }
  }

  boolean complete() {
    return progress().complete();
  }

  /** A failed transfer's file: the staging directory is deleted next. */
  void closeQuietly() {
    lock.lock();
    try {
      if (open) {
        open = false;
        NativeFiles.close(fd);
      }
    } finally {
      lock.unlock();
    }
  }

  /** A descriptor closed by a failed transfer may already be another file's: never touch it again. */
  private void requireOpen() {
    if (!open) {
      throw new TransferException(FailureReason.TRANSFER_FAILED, path + " was closed: the transfer failed", false, null);
    }
  }

  private void requireOwner(Object caller) {
    if (owner != caller) {
      throw new TransferException(FailureReason.TRANSFER_FAILED,
          path + " is now sent by a resumed call; this call is superseded", true, null);
    }
  }

  private void writeFully(ByteSlice raw, long offset) {
    requireOpen();
    try {
      NativeFiles.write(fd, raw, offset, file);
    } catch (IOException e) {
      throw DiskErrors.fromWrite(e, path);
    }
  }
}
