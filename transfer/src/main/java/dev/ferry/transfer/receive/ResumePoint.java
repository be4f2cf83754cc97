package dev.ferry.transfer.receive;

import dev.ferry.transfer.codec.WholeFileHash;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the receiver already holds of a transfer: the sender continues from here, and hashes
 * whole files with {@code wholeFileHash}, the one the receiver verifies them with.
 *
 * @param zeroPageMaps the receiver takes chunks that leave zero pages out
 */
public record ResumePoint(List<FileProgress> files, boolean committed, WholeFileHash wholeFileHash, boolean zeroPageMaps) {

  /** @param verifiedBytes the prefix of the file whose chunks were verified and written */
  public record FileProgress(int fileIndex, long verifiedBytes, boolean complete) {}

  public ResumePoint {
    files = List.copyOf(files);
  }

  public Map<Integer, FileProgress> byIndex() {
    return files.stream().collect(Collectors.toMap(FileProgress::fileIndex, Function.identity()));
  }
}
