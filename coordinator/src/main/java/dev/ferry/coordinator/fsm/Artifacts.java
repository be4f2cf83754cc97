package dev.ferry.coordinator.fsm;

import java.time.Instant;

/**
 * Handles the agents returned that later steps need: image directories, the transfer token,
 * the freeze instant. Empty strings and null instants mean "not yet".
 */
public record Artifacts(String targetImageId, String transferToken, String sourceImageId, Instant frozenAt,
    String pageServer, long imageBytes) {

  public static final Artifacts NONE = new Artifacts("", "", "", null, "", 0);

  public Artifacts {
    targetImageId = targetImageId == null ? "" : targetImageId;
    transferToken = transferToken == null ? "" : transferToken;
    sourceImageId = sourceImageId == null ? "" : sourceImageId;
    pageServer = pageServer == null ? "" : pageServer;
  }

  Artifacts withTarget(String imageId, String token) {
    return new Artifacts(imageId, token, sourceImageId, frozenAt, pageServer, imageBytes);
  }

  Artifacts withDump(String imageId, Instant frozen, String server, long bytes) {
    return new Artifacts(targetImageId, transferToken, imageId, frozen, server, bytes);
  }
}
