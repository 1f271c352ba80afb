package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.testing.Sql;
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
 * server never sees more COPYs into the database than that, and every chunk still loads.
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
    ExecutorService tasks = Executors.newFixedThreadPool(chunks);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < chunks; i++) {
        int index = i;
        running.add(tasks.submit(() -> fx.load(oneAtATime, p, index)));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      loading.set(false);
      watcher.join();
      tasks.shutdown();
    }
    assertEquals(1, mostAtOnce.get(), "one COPY at a time (and the watcher saw it)");
    assertEquals(
        (long) chunks * rows,
        Sql.count(fx.db.pool(), "SELECT count(*) FROM geo_staging." + p.manifest().stagingTable()));
  }
}
