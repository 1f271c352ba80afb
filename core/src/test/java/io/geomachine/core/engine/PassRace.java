package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.geomachine.core.testing.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Two runs of one janitor pass at the same time, as two replicas would run them: the run that takes
 * the pass's lock is held up just before it records itself (app.janitor_runs is locked meanwhile),
 * so the runs overlap for certain. Exactly one must act; the other skips and changes nothing.
 */
final class PassRace {
  private PassRace() {}

  /** Returns the report of the run that acted. */
  static PassReport race(Pool pool, Supplier<Uni<PassReport>> pass) {
    SqlConnection holder = Sql.await(pool.getConnection());
    try {
      Transaction tx = Sql.await(holder.begin());
      Sql.await(holder.query("LOCK TABLE app.janitor_runs IN EXCLUSIVE MODE").execute());
      CompletableFuture<PassReport> a = pass.get().subscribeAsCompletionStage();
      CompletableFuture<PassReport> b = pass.get().subscribeAsCompletionStage();
      long deadline = System.nanoTime() + Sql.TIMEOUT.toNanos();
      while (!a.isDone() && !b.isDone()) {
        if (System.nanoTime() > deadline) {
          fail("neither run finished");
        }
        EngineHarness.sleep(10);
      }
      CompletableFuture<PassReport> first = a.isDone() ? a : b;
      CompletableFuture<PassReport> second = a.isDone() ? b : a;
      assertTrue(first.join().skipped(), "the run that finished first must have skipped");
      assertEquals(0, first.join().fixed());
      EngineHarness.sleep(100);
      assertFalse(second.isDone(), "the other run should be waiting on the held lock");
      Sql.await(tx.rollback());
      PassReport acted = second.orTimeout(Sql.TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
      assertFalse(acted.skipped());
      return acted;
    } finally {
      Sql.await(holder.close());
    }
  }
}
