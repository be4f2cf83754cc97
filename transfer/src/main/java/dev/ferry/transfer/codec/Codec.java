package dev.ferry.transfer.codec;

/** How one chunk's bytes travel. */
public enum Codec {
  NONE,
  ZSTD,
  /** All zero bytes: only the length travels; the receiver leaves a hole. */
  ZERO
}
