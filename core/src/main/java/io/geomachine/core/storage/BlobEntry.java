package io.geomachine.core.storage;

import java.time.Instant;
import java.util.Map;

/** One blob as listed: name, size in bytes, last-modified time and user metadata. */
public record BlobEntry(
    String name, long size, Instant lastModified, Map<String, String> metadata) {
  public BlobEntry {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
