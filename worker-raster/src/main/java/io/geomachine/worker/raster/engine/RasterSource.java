package io.geomachine.worker.raster.engine;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Brings a source blob into a task's local work directory, mapping what can go wrong to task codes:
 * a missing blob or container is BLOB_NOT_FOUND, an empty blob FILE_UNREADABLE, an unreachable
 * store a transient failure (retried). Refuses to start when the local disk lacks room for the
 * source and its COG.
 */
public final class RasterSource {
  /** Room a task needs on local disk per byte of source (the source, its COG, a sample). */
  static final double DISK_FACTOR = 2.5;

  private final BlobStore store;

  public RasterSource(BlobStore store) {
    this.store = store;
  }

  /** The blob's properties; BLOB_NOT_FOUND or FILE_UNREADABLE (zero bytes). */
  public BlobEntry require(String container, String blob) throws TaskFailure {
    Optional<BlobEntry> entry;
    try {
      entry = store.find(container, blob);
    } catch (GeoMachineException e) {
      throw storeFailure(e, container, blob);
    }
    if (entry.isEmpty()) {
      throw TaskFailure.permanent(
          RasterCodes.BLOB_NOT_FOUND,
          "blob_name " + blob + " does not exist in container_name " + container);
    }
    if (entry.get().size() == 0) {
      throw TaskFailure.permanent(
          RasterCodes.FILE_UNREADABLE,
          container + "/" + blob + " is empty (0 bytes): nothing to read");
    }
    return entry.get();
  }

  /** Downloads the blob into {@code dir} under its base name; the local file. */
  public Path download(String container, BlobEntry entry, Path dir) throws TaskFailure {
    try {
      long free = Files.getFileStore(dir).getUsableSpace();
      if (free < entry.size() * DISK_FACTOR) {
        throw new TaskFailure(
            "INSUFFICIENT_DISK",
            "the worker has "
                + free / (1 << 20)
                + " MiB free in "
                + dir
                + ", "
                + container
                + "/"
                + entry.name()
                + " needs about "
                + (long) (entry.size() * DISK_FACTOR) / (1 << 20)
                + " MiB",
            true);
      }
    } catch (IOException e) {
      // cannot tell; the download itself fails if the disk is full
    }
    String base = entry.name().substring(entry.name().lastIndexOf('/') + 1);
    Path file = dir.resolve(base.isBlank() ? "source" : base);
    try {
      store.download(container, entry.name(), file);
    } catch (GeoMachineException e) {
      throw storeFailure(e, container, entry.name());
    }
    return file;
  }

  private static TaskFailure storeFailure(GeoMachineException e, String container, String blob) {
    if (e.code() == ErrorCode.NOT_FOUND) {
      return TaskFailure.permanent(
          RasterCodes.BLOB_NOT_FOUND,
          "blob_name " + blob + " in container_name " + container + ": " + e.getMessage());
    }
    return new TaskFailure(e.code().name(), e.getMessage(), true);
  }
}
