package dev.ferry.transfer.send;

import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.tree.Entry;
import java.io.IOException;

/**
 * Reads one regular file in fixed-size chunks and hashes all of it. A resumed file hashes its
 * already-sent prefix locally (reading is far cheaper than sending it again).
 */
public final class FileChunks implements AutoCloseable {
  private static final int NONE = -1;
  private final Entry.RegularFile file;
  private final int fd;
  private final WholeFileHash.Digest digest;
  private final byte[] buffer;
  private long position;
  private boolean closed;

  /**
   * @param buffer one chunk of space, shared by all files of a stream (it reads one at a time):
   *               a stream of many small files must not hold a chunk per file
   */
  public FileChunks(SourceFiles source, Entry.RegularFile file, byte[] buffer, long resumeOffset, WholeFileHash hash) throws IOException {
    this(file, source.open(file.path()), buffer, hash);
    try {
      while (position < resumeOffset) {
        int n = readChunk((int) Math.min(buffer.length, resumeOffset - position));
        if (n <= 0) {
          throw new IOException(file.path() + " shrank below its resume offset " + resumeOffset);
        }
        digest.update(buffer, 0, n);
        position += n;
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /** A file gone (or a symbolic link now) since the walk, read as empty: its chunks end at once. */
  public static FileChunks vanished(Entry.RegularFile file, byte[] buffer, WholeFileHash hash) {
    return new FileChunks(file, NONE, buffer, hash);
  }

  private FileChunks(Entry.RegularFile file, int fd, byte[] buffer, WholeFileHash hash) {
    this.file = file;
    this.fd = fd;
    this.digest = hash.start();
    this.buffer = buffer;
  }

  public long position() {
    return position;
  }

  /** The next chunk's length in {@link #buffer()} (0 at the end of the file as it is now). */
  public int next() throws IOException {
    int n = readChunk(buffer.length);
    if (n <= 0) {
      return 0;
    }
    digest.update(buffer, 0, n);
    position += n;
    return n;
  }

  /** Bytes of the chunk {@link #next()} just read; valid until the next call. */
  public byte[] buffer() {
    return buffer;
  }

  /** The whole file's hash; once, after the last chunk. */
  public byte[] digest() {
    return digest.finish();
  }

  public Entry.RegularFile file() {
    return file;
  }

  private int readChunk(int length) throws IOException {
    return fd == NONE ? 0 : SourceFiles.read(fd, buffer, length, position, file.path());
  }

  /** Once: a descriptor's number closed twice may by then name another file. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (fd != NONE) {
        SourceFiles.closeFile(fd);
      }
    }
  }
}
