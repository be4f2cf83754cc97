package dev.ferry.transfer.grpc;

import dev.ferry.transfer.SendRequest;
import dev.ferry.transfer.Ticker;
import dev.ferry.transfer.receive.OpenRequest;
import dev.ferry.transfer.send.CompressionPolicy;
import dev.ferry.transfer.send.Throttle;
import dev.ferry.transfer.tree.Entry;
import dev.ferry.transfer.tree.Manifest;
import dev.ferry.proto.v1.TransferFrame;
import io.grpc.Channel;
import java.util.Comparator;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Everything the streams of one transfer share: what to send, to whom, and how. */
record TransferPlan(
    Channel channel,
    SendRequest request,
    Manifest manifest,
    String transferId,
    ConcurrentLinkedQueue<Entry.RegularFile> queue,
    Throttle throttle,
    CompressionPolicy compression,
    SendCounters counters,
    Ticker ticker) {

  static TransferPlan of(Channel channel, SendRequest request, Manifest manifest, String transferId, Ticker ticker) {
    ConcurrentLinkedQueue<Entry.RegularFile> queue = new ConcurrentLinkedQueue<>();
    // Largest first: the streams finish together instead of one big file ending alone.
    manifest.files().stream().sorted(Comparator.comparingLong(Entry.RegularFile::size).reversed()).forEach(queue::add);
    var options = request.options();
    return new TransferPlan(channel, request, manifest, transferId, queue,
        new Throttle(options.bandwidthBytesPerSecond(), ticker),
        CompressionPolicy.of(options.compression(), ticker, options.parallelStreams()),
        new SendCounters(), ticker);
  }

  TransferFrame openFrame() {
    SendRequest r = request;
    OpenRequest open = new OpenRequest(r.migrationId(), r.token(), r.sourceNode(), r.destination(), r.kind(),
        transferId, manifest.bytesTotal(), manifest.files().size());
    return TransferFrame.newBuilder()
        .setOpen(FrameMapper.toProto(open).toBuilder().setWindowBytes(r.options().windowBytes()))
        .build();
  }

  SendCall startCall(java.util.function.IntConsumer onFileVerified) {
    var o = request.options();
    return SendCall.start(channel, o.windowBytes(), o.stallTimeout(), ticker, onFileVerified, counters);
  }
}
