package dev.ferry.transfer.receive;

import dev.ferry.transfer.codec.ByteSlice;
import dev.ferry.transfer.codec.Codec;

/**
 * One chunk as it arrived, not yet verified; its data lies in the parsed message.
 *
 * @param zeroPages a {@link dev.ferry.transfer.codec.ZeroPages} map of the pages {@code data} leaves out, empty for none
 */
public record IncomingChunk(int fileIndex, long offset, int rawLength, Codec codec, ByteSlice data, int crc32c, byte[] zeroPages) {}
