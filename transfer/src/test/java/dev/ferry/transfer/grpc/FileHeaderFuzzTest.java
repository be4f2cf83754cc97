package dev.ferry.transfer.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ferry.proto.v1.FileHeader;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.tree.Entry;
import java.nio.file.Path;

/**
 * Fuzzes the receiver's first line of defence: a FileHeader from a peer (untrusted bytes) either
 * maps to an entry whose path (and hard-link target) stays inside the destination tree, or is
 * refused with a TransferException. Anything else (another exception, a path that escapes) is a
 * finding. The seed corpus (FileHeaderFuzzTestInputs/) holds '..', absolute, NUL, '.', empty,
 * and link cases; the normal suite replays it, -Pfuzz explores from it.
 */
class FileHeaderFuzzTest {
  private static final Path ROOT = Path.of("/ferry-fuzz/destination");

  @FuzzTest(maxDuration = "120s")
  void aHeaderMapsInsideTheTreeOrIsRefused(byte[] input) {
    FileHeader header;
    try {
      header = FileHeader.parseFrom(input);
    } catch (InvalidProtocolBufferException notAHeader) {
      return;
    }
    Entry entry;
    try {
      entry = FrameMapper.fromProto(header);
    } catch (TransferException refused) {
      return;
    }
    requireInside(entry.path(), entry instanceof Entry.Directory);
    if (entry instanceof Entry.Hardlink link) {
      requireInside(link.target(), false);
    }
  }

  private static void requireInside(String path, boolean rootAllowed) {
    if (path.isEmpty()) {
      if (!rootAllowed) {
        throw new AssertionError("an empty path was accepted where a file is required");
      }
      return;
    }
    if (path.indexOf('\0') >= 0) {
      throw new AssertionError("a path with a NUL byte was accepted: " + path.replace('\0', '?'));
    }
    Path resolved = ROOT.resolve(path).normalize();
    if (!resolved.startsWith(ROOT) || resolved.equals(ROOT)) {
      throw new AssertionError("accepted path '" + path + "' resolves to " + resolved + ", outside " + ROOT);
    }
  }
}
