package io.geomachine.core.engine;

import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.repository.JanitorRunRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * How a janitor pass runs: one transaction under the pass's advisory lock (a replica that cannot
 * take it skips, so replicas never double-act), the run recorded in {@code app.janitor_runs} in the
 * same transaction, and the relay woken after the commit when the pass fixed something (its fixes
 * may have written outbox rows).
 */
final class LockedPass {
  private static final Logger LOG = Logger.getLogger(LockedPass.class);

  private LockedPass() {}

  static Uni<PassReport> run(
      Pool pool,
      JanitorRunRepository runs,
      JanitorRunType type,
      Function<SqlClient, Uni<PassReport>> body,
      Runnable afterCommitWithMessages) {
    long started = System.currentTimeMillis();
    return pool.withTransaction(
            c ->
                runs.tryLockPass(c, type)
                    .chain(
                        locked ->
                            locked
                                ? body.apply(c)
                                    .call(
                                        r ->
                                            runs.record(
                                                c,
                                                type,
                                                started,
                                                r.scanned(),
                                                r.fixed(),
                                                r.actions(),
                                                null))
                                : Uni.createFrom().item(PassReport.skippedByAnotherReplica())))
        .invoke(
            report -> {
              if (report.fixed() > 0) {
                LOG.infof("%s fixed %d: %s", type.sqlValue(), report.fixed(), report.actions());
                afterCommitWithMessages.run();
              }
            });
  }
}
