package dev.ferry.transfer.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.ferry.proto.v1.Chunk;
import dev.ferry.proto.v1.Compression;
import dev.ferry.proto.v1.EntryType;
import dev.ferry.proto.v1.FileHeader;
import dev.ferry.proto.v1.ResumeFile;
import dev.ferry.proto.v1.TransferOpen;
import dev.ferry.proto.v1.TransferResumePoint;
import dev.ferry.transfer.TransferException;
import dev.ferry.transfer.TransferKind;
import dev.ferry.transfer.TransferOptions;
import dev.ferry.transfer.codec.Codec;
import dev.ferry.transfer.codec.EncodedChunk;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.codec.ZeroPages;
import dev.ferry.transfer.receive.IncomingChunk;
import dev.ferry.transfer.receive.OpenRequest;
import dev.ferry.transfer.receive.ResumePoint;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.EntryAttributes;
import dev.ferry.transfer.tree.RelativePath;

/** The one place where transfer domain values and ferry.v1 messages meet. */
final class FrameMapper {
  private FrameMapper() {}

  static TransferOpen toProto(OpenRequest r) {
    return TransferOpen.newBuilder()
        .setMigrationId(r.migrationId()).setToken(r.token()).setSourceNode(r.sourceNode())
        .setDestination(r.destination()).setKind(toProto(r.kind())).setTransferId(r.transferId())
        .setBytesTotal(r.bytesTotal()).setFilesTotal(r.filesTotal()).setPipelined(r.pipelined())
        .setBaseDestination(r.baseDestination()).setWholeFileHash(toProto(r.wholeFileHash())).build();
  }

  static OpenRequest fromProto(TransferOpen o) {
    return new OpenRequest(o.getMigrationId(), o.getToken(), o.getSourceNode(), o.getDestination(),
        fromProto(o.getKind()), o.getTransferId(), o.getBytesTotal(), o.getFilesTotal(), o.getPipelined(),
        o.getBaseDestination(), fromProto(o.getWholeFileHash()));
  }

  static dev.ferry.proto.v1.WholeFileHash toProto(WholeFileHash h) {
    return switch (h) {
      case SHA256 -> dev.ferry.proto.v1.WholeFileHash.WHOLE_FILE_HASH_SHA256;
      case XXH3_128 -> dev.ferry.proto.v1.WholeFileHash.WHOLE_FILE_HASH_XXH3_128;
    };
  }

  /** Unset is a peer from before the choice: SHA-256. A hash this version does not know is refused. */
  static WholeFileHash fromProto(dev.ferry.proto.v1.WholeFileHash h) {
    return switch (h) {
      case WHOLE_FILE_HASH_UNSPECIFIED, WHOLE_FILE_HASH_SHA256 -> WholeFileHash.SHA256;
      case WHOLE_FILE_HASH_XXH3_128 -> WholeFileHash.XXH3_128;
      case UNRECOGNIZED -> throw TransferException.invalid("unknown whole-file hash " + h.getNumber());
    };
  }

  static dev.ferry.proto.v1.TransferKind toProto(TransferKind k) {
    return switch (k) {
      case IMAGES -> dev.ferry.proto.v1.TransferKind.TRANSFER_KIND_IMAGES;
      case ROOTFS_FULL -> dev.ferry.proto.v1.TransferKind.TRANSFER_KIND_ROOTFS_FULL;
      case ROOTFS_DELTA -> dev.ferry.proto.v1.TransferKind.TRANSFER_KIND_ROOTFS_DELTA;
      case PRECOPY_ROUND -> dev.ferry.proto.v1.TransferKind.TRANSFER_KIND_PRECOPY_ROUND;
    };
  }

  static TransferKind fromProto(dev.ferry.proto.v1.TransferKind k) {
    return switch (k) {
      case TRANSFER_KIND_IMAGES -> TransferKind.IMAGES;
      case TRANSFER_KIND_ROOTFS_FULL -> TransferKind.ROOTFS_FULL;
      case TRANSFER_KIND_ROOTFS_DELTA -> TransferKind.ROOTFS_DELTA;
      case TRANSFER_KIND_PRECOPY_ROUND -> TransferKind.PRECOPY_ROUND;
      case TRANSFER_KIND_UNSPECIFIED, UNRECOGNIZED -> throw TransferException.invalid("transfer kind is missing or unknown: " + k);
    };
  }

  static FileHeader toProto(Entry e, long resumeOffset) {
    FileHeader.Builder b = FileHeader.newBuilder().setPath(e.path());
    switch (e) {
      case Entry.RegularFile f -> attrs(b.setType(EntryType.ENTRY_TYPE_FILE).setFileIndex(f.index()).setSize(f.size())
          .setResumeOffset(resumeOffset), f.attributes());
      case Entry.Directory d -> attrs(b.setType(EntryType.ENTRY_TYPE_DIRECTORY), d.attributes());
      case Entry.Symlink s -> attrs(b.setType(EntryType.ENTRY_TYPE_SYMLINK).setLinkTarget(s.target()), s.attributes());
      case Entry.Hardlink h -> b.setType(EntryType.ENTRY_TYPE_HARDLINK).setLinkTarget(h.target());
      case Entry.Special s -> attrs(b.setType(switch (s.type()) {
        case CHAR_DEVICE -> EntryType.ENTRY_TYPE_CHAR_DEVICE;
        case BLOCK_DEVICE -> EntryType.ENTRY_TYPE_BLOCK_DEVICE;
        case FIFO -> EntryType.ENTRY_TYPE_FIFO;
      }).setDeviceMajor(s.major()).setDeviceMinor(s.minor()), s.attributes());
      case Entry.Deleted d -> b.setType(EntryType.ENTRY_TYPE_DELETED);
    }
    return b.build();
  }

  private static FileHeader.Builder attrs(FileHeader.Builder b, EntryAttributes a) {
    return b.setMode(a.mode()).setUid(a.uid()).setGid(a.gid()).setMtimeNanos(a.mtimeNanos());
  }

  /** Validates the path as it maps: nothing unchecked reaches the receiver's file system code. */
  static Entry fromProto(FileHeader h) {
    EntryAttributes a = new EntryAttributes(h.getMode(), h.getUid(), h.getGid(), h.getMtimeNanos());
    String path = RelativePath.check(h.getPath(), h.getType() == EntryType.ENTRY_TYPE_DIRECTORY);
    return switch (h.getType()) {
      case ENTRY_TYPE_FILE -> new Entry.RegularFile(path, h.getFileIndex(), h.getSize(), a);
      case ENTRY_TYPE_DIRECTORY -> new Entry.Directory(path, a);
      case ENTRY_TYPE_SYMLINK -> new Entry.Symlink(path, requireTarget(h), a);
      case ENTRY_TYPE_HARDLINK -> new Entry.Hardlink(path, RelativePath.check(requireTarget(h), false));
      case ENTRY_TYPE_CHAR_DEVICE -> new Entry.Special(path, Entry.SpecialType.CHAR_DEVICE, h.getDeviceMajor(), h.getDeviceMinor(), a);
      case ENTRY_TYPE_BLOCK_DEVICE -> new Entry.Special(path, Entry.SpecialType.BLOCK_DEVICE, h.getDeviceMajor(), h.getDeviceMinor(), a);
      case ENTRY_TYPE_FIFO -> new Entry.Special(path, Entry.SpecialType.FIFO, 0, 0, a);
      case ENTRY_TYPE_DELETED -> new Entry.Deleted(path);
      case ENTRY_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw TransferException.invalid("entry type missing or unknown for " + path);
    };
  }

  private static String requireTarget(FileHeader h) {
    if (h.getLinkTarget().isEmpty() || h.getLinkTarget().indexOf('\0') >= 0) {
      throw TransferException.invalid("link " + h.getPath() + " has an empty or invalid target");
    }
    return h.getLinkTarget();
  }

  static Chunk toProto(int fileIndex, long offset, EncodedChunk c) {
    return Chunk.newBuilder().setFileIndex(fileIndex).setOffset(offset).setRawLength(c.rawLength())
        .setCompression(toProto(c.codec())).setCrc32C(c.crc32c())
        // The encoder hands over a fresh array: wrapping it without a copy is safe.
        .setData(c.dataLength() == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(c.data(), 0, c.dataLength()))
        .setZeroPages(c.zeroPages().length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(c.zeroPages()))
        .build();
  }

  /** The raw length is checked here: the receiver allocates it (a ZERO chunk's zeros, a ZSTD chunk's output). */
  static IncomingChunk fromProto(Chunk c) {
    if (c.getRawLength() < 0 || c.getRawLength() > TransferOptions.MAX_CHUNK) {
      throw TransferException.invalid("chunk of file " + c.getFileIndex() + " @" + c.getOffset() + " claims " + c.getRawLength()
          + " raw bytes; a chunk holds 0.." + TransferOptions.MAX_CHUNK);
    }
    if (c.getOffset() < 0) {
      throw TransferException.invalid("chunk of file " + c.getFileIndex() + " at negative offset " + c.getOffset());
    }
    Codec codec = fromProto(c.getCompression());
    int mapBytes = c.getZeroPages().size();
    if (mapBytes > 0 && (codec == Codec.ZERO || mapBytes != ZeroPages.mapBytes(c.getRawLength()))) {
      throw TransferException.invalid("chunk of file " + c.getFileIndex() + " @" + c.getOffset() + " has a zero-page map of "
          + mapBytes + " bytes; a " + codec + " chunk of " + c.getRawLength() + " raw bytes takes "
          + (codec == Codec.ZERO ? "none" : ZeroPages.mapBytes(c.getRawLength())));
    }
    return new IncomingChunk(c.getFileIndex(), c.getOffset(), c.getRawLength(), codec,
        AliasedBytes.of(c.getData()), c.getCrc32C(), mapBytes == 0 ? ZeroPages.none() : c.getZeroPages().toByteArray());
  }

  static Compression toProto(Codec c) {
    return switch (c) {
      case NONE -> Compression.COMPRESSION_NONE;
      case ZSTD -> Compression.COMPRESSION_ZSTD;
      case ZERO -> Compression.COMPRESSION_ZERO;
    };
  }

  static Codec fromProto(Compression c) {
    return switch (c) {
      case COMPRESSION_NONE -> Codec.NONE;
      case COMPRESSION_ZSTD -> Codec.ZSTD;
      case COMPRESSION_ZERO -> Codec.ZERO;
      case COMPRESSION_UNSPECIFIED, UNRECOGNIZED -> throw TransferException.invalid("chunk compression missing or unknown: " + c);
    };
  }

  static TransferResumePoint toProto(ResumePoint p) {
    TransferResumePoint.Builder b = TransferResumePoint.newBuilder().setCommitted(p.committed())
        .setWholeFileHash(toProto(p.wholeFileHash())).setZeroPageMaps(p.zeroPageMaps());
    p.files().forEach(f -> b.addFiles(ResumeFile.newBuilder()
        .setFileIndex(f.fileIndex()).setVerifiedBytes(f.verifiedBytes()).setComplete(f.complete())));
    return b.build();
  }

  static ResumePoint fromProto(TransferResumePoint p) {
    return new ResumePoint(p.getFilesList().stream()
        .map(f -> new ResumePoint.FileProgress(f.getFileIndex(), f.getVerifiedBytes(), f.getComplete()))
        .toList(), p.getCommitted(), fromProto(p.getWholeFileHash()), p.getZeroPageMaps());
  }
}
