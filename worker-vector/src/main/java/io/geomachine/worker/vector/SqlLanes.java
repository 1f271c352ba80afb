package io.geomachine.worker.vector;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Runs one batch of a publish's statements in a fixed number of lanes ({@link LanePlan}): each lane
 * one pooled connection running its steps one after another. When a step fails, no lane starts
 * another step and the statements still running in the other lanes are cancelled; {@link #run}
 * returns only once every lane has given its connection back, and throws the first failure (not the
 * cancellations it caused).
 */
final class SqlLanes {
  /** One round trip a lane runs: a statement, or a few in one implicit transaction. */
  record Step(String name, int weight, Function<SqlConnection, Uni<Void>> run) {}

  private final Pool pool;
  private final int lanes;

  SqlLanes(Pool pool, int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("publish lanes must be at least 1, got " + lanes);
    }
    this.pool = pool;
    this.lanes = lanes;
  }

  /** How many lanes (connections) a run uses at most. */
  int lanes() {
    return lanes;
  }

  void run(List<Step> steps) {
    if (steps.isEmpty()) {
      return;
    }
    Abort abort = new Abort();
    List<Uni<Void>> running =
        LanePlan.assign(steps, Step::weight, lanes).stream().map(l -> lane(l, abort)).toList();
    try {
      GeoTablePublisher.await(Uni.join().all(running).andCollectFailures().replaceWithVoid());
    } catch (RuntimeException e) {
      // a lane failed (already recorded), or this thread was interrupted (job cancelled) or timed
      // out while the lanes still run: then they are cancelled and let go of their connections
      abort.fail(e, null);
    }
    abort.rethrow();
  }

  private Uni<Void> lane(List<Step> steps, Abort abort) {
    return pool.withConnection(
        c -> {
          abort.track(c);
          Uni<Void> chain = Uni.createFrom().voidItem();
          for (Step s : steps) {
            chain =
                chain.chain(() -> abort.failed() ? Uni.createFrom().voidItem() : s.run().apply(c));
          }
          return chain.onFailure().invoke(e -> abort.fail(e, c)).eventually(() -> abort.release(c));
        });
  }

  /** The first failure of a run, and the cancel requests it sent to the other lanes. */
  private static final class Abort {
    private Throwable first;
    private final Map<SqlConnection, Uni<Void>> busy = new IdentityHashMap<>();

    synchronized boolean failed() {
      return first != null;
    }

    synchronized void track(SqlConnection c) {
      busy.put(c, null);
    }

    /** Records {@code e} when it is the first failure, and cancels every lane but {@code at}. */
    synchronized void fail(Throwable e, SqlConnection at) {
      if (first != null) {
        return;
      }
      first = e;
      for (SqlConnection c : busy.keySet()) {
        if (c != at) {
          cancel(c);
        }
      }
    }

    private void cancel(SqlConnection c) {
      // memoized: the lane waits for it before its connection goes back to the pool, so a late
      // cancel can never hit another task's statement on that connection
      busy.put(
          c,
          PgConnection.cast(c)
              .cancelRequest()
              .onFailure()
              .recoverWithNull()
              .memoize()
              .indefinitely());
      busy.get(c).subscribe().with(ignored -> {});
    }

    synchronized Uni<Void> release(SqlConnection c) {
      Uni<Void> pending = busy.remove(c);
      return pending == null ? Uni.createFrom().voidItem() : pending;
    }

    synchronized void rethrow() {
      if (first instanceof RuntimeException r) {
        throw r;
      }
      if (first instanceof Error err) {
        throw err;
      }
      if (first != null) {
        throw new CompletionException(first);
      }
    }
  }
}
