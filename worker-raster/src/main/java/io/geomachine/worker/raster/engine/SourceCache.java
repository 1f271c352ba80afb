package io.geomachine.worker.raster.engine;

import io.geomachine.core.concurrent.DaemonThreads;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fallback when GDAL cannot read a source from blob storage: one local copy per source per
 * worker, shared by every tile task of that source on the worker (downloaded once, by the first
 * task that needs it; the others wait for it). A copy no running task uses is deleted when another
 * source is needed, or once it has been unused for {@code keepUnused} (checked every minute), so a
 * finished job's copy does not stay on the worker's disk.
 */
public final class SourceCache {
  private final Map<String, Entry> entries = new HashMap<>();
  private final Duration keepUnused;

  private static final class Entry {
    /** Set once, by the task that downloaded the copy (under the entry's lock). */
    volatile Path path;

    int users;
    long unusedSince = System.nanoTime();
  }

  public SourceCache(Duration keepUnused) {
    this.keepUnused = keepUnused;
    if (!keepUnused.isZero()) {
      ScheduledExecutorService sweeper =
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("source-cache-sweeper"));
      sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.MINUTES);
    }
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
          if (e != null && --e.users == 0) {
            e.unusedSince = System.nanoTime();
          }
          sweep();
        }
      }
    }
  }

  /**
   * The local copy of a blob version, downloading it when this worker has none. The first task of a
   * source downloads it while the other tasks of that source wait for the copy; tasks of other
   * sources are not held up by the download.
   */
  public Lease acquire(String container, BlobEntry blob, Path dir, RasterSource source)
      throws TaskFailure {
    String key = container + "/" + blob.name() + "@" + blob.lastModified();
    Entry e;
    synchronized (this) {
      evictUnused(key, 0);
      e = entries.computeIfAbsent(key, k -> new Entry());
      e.users++;
    }
    synchronized (e) {
      if (e.path == null) {
        try {
          Path target = dir.resolve(Integer.toHexString(key.hashCode()));
          Files.createDirectories(target);
          e.path = source.download(container, blob, target);
        } catch (IOException | TaskFailure | RuntimeException ex) {
          synchronized (this) {
            // a task still waiting for this copy tries the download again itself
            if (--e.users == 0) {
              entries.remove(key, e);
            }
          }
          if (ex instanceof TaskFailure tf) {
            throw tf;
          }
          throw new TaskFailure("SOURCE_COPY_FAILED", "copying " + key + " failed: " + ex, true);
        }
      }
      return new Lease(key, e.path);
    }
  }

  /** How many copies this worker holds (for tests and metrics). */
  public synchronized int size() {
    return entries.size();
  }

  private synchronized void sweep() {
    evictUnused(null, keepUnused.toNanos());
  }

  /** Deletes copies other than {@code keep} unused for at least {@code minUnusedNanos}. */
  private void evictUnused(String keep, long minUnusedNanos) {
    long now = System.nanoTime();
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      Entry v = e.getValue();
      if (!e.getKey().equals(keep) && v.users <= 0 && now - v.unusedSince >= minUnusedNanos) {
        deleteTree(v.path == null ? null : v.path.getParent());
        it.remove();
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
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
