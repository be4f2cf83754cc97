package dev.ferry.transfer;

import dev.ferry.transfer.tree.Manifest;
import java.util.Objects;

/**
 * One committed pass of a root-filesystem sync: where it went on the target and the tree it was
 * taken from (path, type, size, mtime, mode, owner), which the next pass diffs against.
 */
public record RootfsPass(String destination, Manifest manifest, TransferStats stats) {
  public RootfsPass {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(stats, "stats");
  }
}
