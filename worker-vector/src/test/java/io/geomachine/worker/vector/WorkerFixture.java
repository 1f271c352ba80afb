package io.geomachine.worker.vector;

import io.geomachine.core.testing.WorkerHarness;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The shared worker test harness, for this worker's task queue and test channel. */
@ApplicationScoped
public class WorkerFixture {
  static final String TASK_QUEUE = "geomachine.tasks.vector";

  @Produces
  @Singleton
  WorkerHarness harness(Pool pool, Vertx vertx, MeterRegistry metrics, TaskMessageSender sender) {
    return new WorkerHarness(pool, vertx, metrics, sender::send, TASK_QUEUE);
  }
}
