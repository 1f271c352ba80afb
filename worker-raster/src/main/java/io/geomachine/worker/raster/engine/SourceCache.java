package io.geomachine.worker.raster.engine;

import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The fallback when GDAL cannot read a source from blob storage: one local copy per source per
 * worker, shared by every tile task of that source on the worker (downloaded once, by the first
 * task that needs it). Copies nobody uses are deleted as soon as another source is needed, so a
 * worker holds at most the copies its running tasks read.
 */
public final class SourceCache {
  private final Map<String, Entry> entries = new HashMap<>();

  private static final class Entry {
    Path path;
    int users;
  }

  /** A task's use of a copy; closing it lets the copy be deleted. */
  public final class Lease implements AutoCloseable {
    private final String key;
    private final Path path;
    private boolean closed;

    private Lease(String key, Path path) {
      this.key = key;
      this.path = path;
    }

    public Path path() {
      return path;
    }

    @Override
    public void close() {
      synchronized (SourceCache.this) {
        if (!closed) {
          closed = true;
          Entry e = entries.get(key);
          if (e != null) {
            e.users--;
          }
        }
      }
    }
  }

  /** The local copy of a blob version, downloading it when this worker has none. */
  public Lease acquire(String container, BlobEntry blob, Path dir, RasterSource source)
      throws TaskFailure {
    String key = container + "/" + blob.name() + "@" + blob.lastModified();
    synchronized (this) {
      evictUnused(key);
      Entry e = entries.computeIfAbsent(key, k -> new Entry());
      e.users++;
      if (e.path != null) {
        return new Lease(key, e.path);
      }
      // downloading under the lock: other tasks of this source wait for the one copy
      try {
        Path target = dir.resolve(Integer.toHexString(key.hashCode()));
        Files.createDirectories(target);
        e.path = source.download(container, blob, target);
        return new Lease(key, e.path);
      } catch (IOException | TaskFailure | RuntimeException ex) {
        e.users--;
        entries.remove(key);
        if (ex instanceof TaskFailure tf) {
          throw tf;
        }
        throw new TaskFailure("SOURCE_COPY_FAILED", "copying " + key + " failed: " + ex, true);
      }
    }
  }

  private void evictUnused(String keep) {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      if (!e.getKey().equals(keep) && e.getValue().users <= 0) {
        deleteTree(e.getValue().path == null ? null : e.getValue().path.getParent());
        it.remove();
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: the work root is temporary
                }
              });
    } catch (IOException ignored) {
      // already gone
    }
  }
}
