package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker runs at most load-concurrency chunk COPYs at once, however many load tasks it runs: the
 * server never sees more COPYs into the database than that, and every chunk still loads. The COPY
 * connections are reused from chunk to chunk.
 */
class LoadTurnsTest {
  private static final String DB = "geomachine_test_vector_turns";
  private static VectorFixture fx;

  @BeforeAll
  static void setUp() {
    fx = new VectorFixture(DB);
  }

  @AfterAll
  static void tearDown() {
    fx.close();
  }

  @Test
  void parallelLoadTasksTakeTurnsToCopy() throws Exception {
    int chunks = 4;
    int rows = 20_000;
    VectorFixture.Prepared p = fx.prepare("turns", chunks, rows, 0, false, "geom");
    VectorLoadChunkHandler oneAtATime = fx.loadHandler(1);
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicLong mostAtOnce = new AtomicLong();
    Thread watcher =
        new Thread(
            () -> {
              while (loading.get()) {
                long copying =
                    Sql.count(
                        fx.db.pool(),
                        "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = $1"
                            + " AND state = 'active' AND query LIKE 'COPY %'",
                        DB);
                mostAtOnce.accumulateAndGet(copying, Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // a COPY takes ~50 ms
              }
            });
    watcher.start();
    try {
      loadAllAtOnce(oneAtATime, p, chunks);
    } finally {
      loading.set(false);
      watcher.join();
    }
    assertEquals(1, mostAtOnce.get(), "one COPY at a time (and the watcher saw it)");
    assertEquals(
        (long) chunks * rows,
        Sql.count(fx.db.pool(), "SELECT count(*) FROM geo_staging." + p.manifest().stagingTable()));
  }

  /** Runs the load tasks of chunks 0..chunks-1 at once, each on its own thread. */
  private static void loadAllAtOnce(
      VectorLoadChunkHandler handler, VectorFixture.Prepared p, int chunks) throws Exception {
    ExecutorService tasks = Executors.newFixedThreadPool(chunks);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < chunks; i++) {
        int index = i;
        running.add(tasks.submit(() -> fx.load(handler, p, index)));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      tasks.shutdown();
    }
  }

  private static long loadConnections() {
    return Sql.count(
        fx.db.pool(),
        "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = $1"
            + " AND application_name = $2",
        DB,
        CopyConnections.APPLICATION_NAME);
  }

  /**
   * Chunks reuse the worker's COPY connections instead of opening one each; a kept connection the
   * server ended is replaced without failing the next load; idle ones are closed after a while.
   */
  @Test
  void loadsReuseTheirConnectionsAndCloseThemWhenIdle() throws Exception {
    int chunks = 6;
    int rows = 5_000;
    VectorFixture.Prepared p = fx.prepare("reuse", chunks, rows, 0, false, "geom");
    VectorLoadChunkHandler twoAtATime = fx.loadHandler(2, java.time.Duration.ofSeconds(2));
    loadAllAtOnce(twoAtATime, p, chunks);
    long kept = loadConnections();
    assertTrue(kept >= 1 && kept <= 2, "6 chunks, 2 at a time, kept " + kept + " connections");

    Sql.count(
        fx.db.pool(),
        "SELECT count(pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity"
            + " WHERE datname = $1 AND application_name = $2",
        DB,
        CopyConnections.APPLICATION_NAME);
    JsonObject again = fx.load(twoAtATime, p, 0);
    assertEquals(rows, again.getLong("replaced_rows"), "the re-run replaced its batch");
    assertEquals(
        (long) chunks * rows,
        Sql.count(fx.db.pool(), "SELECT count(*) FROM geo_staging." + p.manifest().stagingTable()));

    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (loadConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(0, loadConnections(), "idle connections are closed");
  }
}
