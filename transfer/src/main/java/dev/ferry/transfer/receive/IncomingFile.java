package dev.ferry.transfer.receive;

import dev.ferry.transfer.FailureReason;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.codec.ChunkDecoder;
import dev.ferry.transfer.codec.Codec;
import dev.ferry.transfer.tree.EntryAttributes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One regular file being received. Only its current owner (one call) may write; a resumed call
 * takes ownership, and chunks the old call still delivers are refused. The SHA-256 covers exactly
 * the verified prefix, so a resumed file continues hashing where it stopped.
 */
final class IncomingFile {
  final int index;
  final String path;
  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final MessageDigest sha256;
  private final FileChannel channel;
  private EntryAttributes attributes;
  private Object owner;
  private long verified;
  private boolean complete;

  IncomingFile(int index, String path, Path file, EntryAttributes attributes) throws IOException {
    this.index = index;
    this.path = path;
    this.file = file;
    this.attributes = attributes;
    this.sha256 = newSha256();
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
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
        sha256.update(zeros, 0, chunk.rawLength());
      } else {
        byte[] raw = decoder.decode(chunk.codec(), chunk.data(), chunk.rawLength(), chunk.crc32c(), where);
        writeFully(raw, chunk.offset());
        sha256.update(raw, 0, chunk.rawLength());
      }
      verified = end;
    } finally {
      lock.unlock();
    }
  }

  /** Verifies size and SHA-256; on success the file is closed with its metadata applied. */
  void finish(Object caller, long size, byte[] expectedSha256, StagingTree tree) {
    lock.lock();
    try {
      requireOwner(caller);
      if (complete) {
        return;
      }
      if (verified != size) {
        throw TransferException.checksum(path + ": sender says " + size + " bytes, " + verified + " arrived");
      }
      byte[] actual = sha256.digest();
      if (!MessageDigest.isEqual(actual, expectedSha256)) {
        throw TransferException.checksum("%s: SHA-256 mismatch (sender %s, received %s)"
            .formatted(path, HexFormat.of().formatHex(expectedSha256), HexFormat.of().formatHex(actual)));
      }
      try {
        if (channel.size() < size) {
          writeFully(new byte[1], size - 1); // a trailing hole still needs the file's length
        }
        channel.close();
        tree.applyAttributes(file, attributes);
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

  void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the staging directory is deleted next
    }
  }

  private void requireOwner(Object caller) {
    if (owner != caller) {
      throw new TransferException(FailureReason.TRANSFER_FAILED,
          path + " is now sent by a resumed call; this call is superseded", true, null);
    }
  }

  private void writeFully(byte[] raw, long offset) {
    ByteBuffer buffer = ByteBuffer.wrap(raw);
    try {
      long position = offset;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
    } catch (IOException e) {
      throw DiskErrors.fromWrite(e, path);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
