package dev.ferry.transfer.tree;

/** One entry of a directory tree, by its relative '/'-separated path ("" is the root). */
public sealed interface Entry {

  String path();

  /** Regular file content: the only entries that carry chunks. */
  record RegularFile(String path, int index, long size, EntryAttributes attributes) implements Entry {}

  record Directory(String path, EntryAttributes attributes) implements Entry {}

  /** The target is kept verbatim: absolute or escaping targets are legal inside a root filesystem. */
  record Symlink(String path, String target, EntryAttributes attributes) implements Entry {}

  /** Another name of the regular file at {@code target} (a path in the same tree). */
  record Hardlink(String path, String target) implements Entry {}

  record Special(String path, SpecialType type, int major, int minor, EntryAttributes attributes) implements Entry {}

  /** Removed since the previous pass (root-filesystem delta). */
  record Deleted(String path) implements Entry {}

  /** The special file types, with their file-type bits of st_mode (S_IFCHR, S_IFBLK, S_IFIFO). */
  enum SpecialType {
    CHAR_DEVICE(0020000),
    BLOCK_DEVICE(0060000),
    FIFO(0010000);

    private final int modeBits;

    SpecialType(int modeBits) {
      this.modeBits = modeBits;
    }

    public int modeBits() {
      return modeBits;
    }

    /** The special type of st_mode's file-type bits, if they name one. */
    public static java.util.Optional<SpecialType> ofModeBits(int typeBits) {
      return java.util.Arrays.stream(values()).filter(t -> t.modeBits == typeBits).findFirst();
    }
  }
}
