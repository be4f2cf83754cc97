package dev.ferry.agent.transfer;

import dev.ferry.agent.NodeLayout;
import dev.ferry.agent.checkpoint.Admissions;
import dev.ferry.agent.runtime.ContainerId;
import dev.ferry.transfer.Admission;
import dev.ferry.transfer.TransferException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits an incoming image or rootfs stream only for a migration this node prepared as its
 * target, from the source node the coordinator named, with the one-time token it issued; and
 * only into that container's own directories. Everything else is refused and logged.
 */
public final class AgentAdmission implements Admission {
  public static final String ROOTFS = "rootfs";
  public static final String ROOTFS_FIRST_PASS = "rootfs-first-pass";
  public static final String IMAGES_PREFIX = "images-";
  private static final Logger log = LoggerFactory.getLogger(AgentAdmission.class);

  private final NodeLayout layout;
  private final Admissions admissions;

  public AgentAdmission(NodeLayout layout, Admissions admissions) {
    this.layout = layout;
    this.admissions = admissions;
  }

  /** The destination name of an image directory. */
  public static String images(String imageId) {
    return IMAGES_PREFIX + imageId;
  }

  @Override
  public Path admit(String migrationId, String token, String sourceNode, String destination) {
    Admissions.Admission a = admissions.match(migrationId, token, sourceNode).orElseThrow(() -> {
      log.warn("refused a transfer for migration '{}' from '{}' into '{}': no such migration announced, or wrong token or source",
          migrationId, sourceNode, destination);
      return TransferException.denied("no transfer for migration '" + migrationId + "' from node '" + sourceNode
          + "' was announced to this node, or the token does not match");
    });
    ContainerId id = new ContainerId(a.containerId());
    if (ROOTFS.equals(destination)) {
      return layout.rootfs(id);
    }
    if (ROOTFS_FIRST_PASS.equals(destination)) {
      return layout.rootfsFirstPass(id);
    }
    if (destination.startsWith(IMAGES_PREFIX)) {
      // Pre-copy rounds keep their names: the final images name the last round as their parent
      // (../round-N) and CRIU restores through that chain. Anything else goes into the slot this
      // node announced, whatever the source calls it.
      String name = destination.substring(IMAGES_PREFIX.length());
      return layout.images(id, dev.ferry.agent.checkpoint.PreDumpStep.isRoundImage(name) ? name : a.imageId());
    }
    throw TransferException.invalid("unknown destination '" + destination + "': expected '" + ROOTFS + "', '" + ROOTFS_FIRST_PASS + "' or '" + IMAGES_PREFIX + "<image>'");
  }

  /**
   * A migration's transfer sent again replaces what an earlier send of it left: the coordinator
   * sends again only while its record says Transfer, and writes Restore before it restores
   * (write-ahead), so nothing reads these trees yet; the admission itself closes at restore.
   */
  @Override
  public boolean replaces(String migrationId, Path target) {
    log.info("migration '{}': its transfer was sent again; the new copy replaces {} when complete", migrationId, target);
    return true;
  }
}
