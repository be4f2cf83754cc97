package dev.ferry.transfer.receive;

import dev.ferry.transfer.codec.Codec;

/** One chunk as it arrived, not yet verified. */
public record IncomingChunk(int fileIndex, long offset, int rawLength, Codec codec, byte[] data, int crc32c) {}
