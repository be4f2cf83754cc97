package dev.ferry.transfer.grpc;

import dev.ferry.proto.v1.TransferFrame;
import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.codec.WholeFileHash;
import dev.ferry.transfer.receive.OpenRequest;
import dev.ferry.transfer.send.CompressionPolicy;
import dev.ferry.transfer.send.FileDiscovery;
import dev.ferry.transfer.send.Throttle;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.Manifest;
import io.grpc.Channel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/** Everything the streams of one transfer share: what to send, to whom, and how. */
record TransferPlan(
    Channel channel,
    SendRequest request,
    FileDiscovery discovery,
    String transferId,
    ConcurrentLinkedQueue<Entry.RegularFile> queue,
    Throttle throttle,
    CompressionPolicy compression,
    SendCounters counters,
    Ticker ticker,
    String baseDestination) {

  /**
   * @param walker          what to send: a walk of the source, or a precomputed delta
   * @param baseDestination for a root-filesystem delta, the destination of the previous pass; else ""
   */
  static TransferPlan of(Channel channel, SendRequest request, Supplier<Manifest> walker, String baseDestination,
      String transferId, Ticker ticker) {
    ConcurrentLinkedQueue<Entry.RegularFile> queue = new ConcurrentLinkedQueue<>();
    var options = request.options();
    return new TransferPlan(channel, request, new FileDiscovery(walker, request.writerDone(), queue),
        transferId, queue, new Throttle(options.bandwidthBytesPerSecond(), ticker),
        CompressionPolicy.of(options.compression(), ticker, options.parallelStreams(), channel, request.kind()), new SendCounters(), ticker,
        baseDestination);
  }

  /** The tree as known now (final once discovery has finished). */
  Manifest manifest() {
    return discovery.manifest();
  }

  TransferFrame openFrame() {
    SendRequest r = request;
    Manifest m = manifest();
    OpenRequest open = new OpenRequest(r.migrationId(), r.token(), r.sourceNode(), r.destination(), r.kind(),
        transferId, m.bytesTotal(), m.files().size(), r.pipelined(), baseDestination, WholeFileHash.PREFERRED);
    return TransferFrame.newBuilder()
        .setOpen(FrameMapper.toProto(open).toBuilder().setWindowBytes(r.options().windowBytes()))
        .build();
  }

  SendCall startCall(IntConsumer onFileVerified) {
    var o = request.options();
    return SendCall.start(channel, o.windowBytes(), o.stallTimeout(), ticker, onFileVerified, counters);
  }
}
