package io.geomachine.core.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.geomachine.core.storage.BlobEntry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One backup in blob storage: a complete, independently restorable {@code pg_dump} archive of
 * {@code app} and {@code pgstac}. The details come from the blob's metadata, written at upload.
 */
@JsonNaming(SnakeCaseStrategy.class)
public record BackupInfo(
    String name,
    String container,
    String database,
    long sizeBytes,
    String createdAt,
    List<String> schemas,
    String pgstacVersion,
    String sha256,
    int tocEntries) {

  static BackupInfo of(String container, BlobEntry blob) {
    Map<String, String> m = blob.metadata();
    String schemas = m.getOrDefault("schemas", "");
    return new BackupInfo(
        blob.name(),
        container,
        m.getOrDefault("database", ""),
        blob.size(),
        m.getOrDefault("created_at", blob.lastModified().toString()),
        schemas.isBlank() ? List.of() : Arrays.asList(schemas.split(",")),
        m.getOrDefault("pgstac_version", ""),
        m.getOrDefault("sha256", ""),
        Integer.parseInt(m.getOrDefault("toc_entries", "0")));
  }
}
