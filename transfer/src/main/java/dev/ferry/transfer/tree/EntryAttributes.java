package dev.ferry.transfer.tree;

/** Permission bits (07777), numeric owner and modification time of one entry. */
public record EntryAttributes(int mode, int uid, int gid, long mtimeNanos) {
  public EntryAttributes {
    mode &= 07777;
  }
}
