package dev.ferry.transfer.codec;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.ferry.transfer.nativeio.Xxh3;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash that verifies a whole file end to end, computed by the sender over what it read and by
 * the receiver over what it wrote. Chosen per transfer: the sender asks, the receiver answers
 * (peers from before the choice existed use SHA-256).
 */
public enum WholeFileHash {
  /** What peers from before the choice use; about 1.6 GB/s per core here (SHA-NI). */
  SHA256("SHA-256") {
    @Override
    public Digest start() {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        return new Digest() {
          @Override
          public void update(byte[] data, int offset, int length) {
            sha.update(data, offset, length);
          }

          @Override
          public byte[] finish() {
            return sha.digest();
          }
        };
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  },
  /**
   * XXH3, 128 bits, as rsync's default whole-file checksum. It catches corruption and bugs (a lost,
   * doubled or misplaced chunk); forgery is TLS's job. Hashed by the system's libxxhash where it is
   * installed (27 to 44 GB/s per core here), else in Java (6 to 9 GB/s): the same digest either way.
   */
  XXH3_128("XXH3-128") {
    @Override
    public Digest start() {
      return Xxh3.library().map(WholeFileHash::nativeXxh3).orElseGet(WholeFileHash::javaXxh3);
    }
  };

  static Digest nativeXxh3(Xxh3 library) {
    Xxh3.State state = library.start();
    return new Digest() {
      @Override
      public void update(byte[] data, int offset, int length) {
        state.update(data, offset, length);
      }

      @Override
      public byte[] finish() {
        try {
          return state.digest();
        } finally {
          state.close();
        }
      }
    };
  }

  static Digest javaXxh3() {
    HashStream128 stream = Hashing.xxh3_128().hashStream();
    return new Digest() {
      @Override
      public void update(byte[] data, int offset, int length) {
        stream.putBytes(data, offset, length);
      }

      @Override
      public byte[] finish() {
        HashValue128 h = stream.get();
        return ByteBuffer.allocate(16).putLong(h.getMostSignificantBits()).putLong(h.getLeastSignificantBits()).array();
      }
    };
  }

  /** What a sender asks for. */
  public static final WholeFileHash PREFERRED = XXH3_128;

  private final String displayName;

  WholeFileHash(String displayName) {
    this.displayName = displayName;
  }

  /** A fresh hash of one file's bytes, fed in order. */
  public abstract Digest start();

  public String displayName() {
    return displayName;
  }

  /** One file's running hash. Not thread-safe: one writer at a time (the file's owner). */
  public interface Digest {
    void update(byte[] data, int offset, int length);

    /** The hash of everything fed so far; the digest is done with after this. */
    byte[] finish();
  }
}
