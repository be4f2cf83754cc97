package dev.ferry.agent.checkpoint;

import dev.ferry.agent.clock.FreezeRecord;
import dev.ferry.agent.clock.HostClock;
import dev.ferry.agent.container.ContainerView;
import dev.ferry.timesync.ClockReading;
import dev.ferry.timesync.TimensImage;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a dump: the exact freeze (from the timens image, dump.log and the container's offsets)
 * is kept in the images for the target's clock policy, and reported instead of the instant the
 * agent took before calling crun (which is early by crun's and CRIU's start-up).
 */
final class FreezeClocks {
  private static final Logger log = LoggerFactory.getLogger(FreezeClocks.class);

  record Frozen(Instant at, ContainerView.Clocks clocks) {}

  private FreezeClocks() {}

  /** @param before the container as inspected before the dump; its instant and clocks are the fallback */
  static Frozen record(Path images, Path work, ContainerView before, Instant approximateFreeze) {
    Frozen approximate = new Frozen(approximateFreeze, before.clocks());
    return FreezeRecord.measure(images, work, before.offsets(), HostClock.SYSTEM).map(r -> {
      r.write(images);
      ClockReading atFreeze = r.dumped(TimensImage.read(TimensImage.locate(images)).clocks()).atFreeze();
      return new Frozen(r.frozenAt(), new ContainerView.Clocks(atFreeze.monotonic(), atFreeze.boottime(), r.frozenAtEpochNanos()));
    }).orElseGet(() -> {
      log.warn("no clock record for the dump in {} (no time namespace, or CRIU's log says too little): "
          + "a restore of it keeps CRIU's plain clock behaviour", images);
      return approximate;
    });
  }
}
