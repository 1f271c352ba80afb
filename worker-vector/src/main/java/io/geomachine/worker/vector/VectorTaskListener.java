package io.geomachine.worker.vector;

import io.geomachine.core.engine.TaskConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Entry point: task messages from the vector task queue, run on the task-runners worker pool. The
 * message is acknowledged once the task's outcome is committed; if the database is unreachable the
 * method throws and the broker redelivers.
 */
@ApplicationScoped
public class VectorTaskListener {
  static final String QUEUE = "vector-tasks";

  @Inject TaskConsumer consumer;
  @Inject MeterRegistry metrics;

  @Incoming(QUEUE)
  @Blocking(value = "task-runners", ordered = false)
  public void onMessage(Object payload) {
    TaskConsumer.Result result = consumer.accept(QUEUE, payload);
    metrics
        .counter(
            "geomachine.tasks.executed",
            "task_type",
            result.taskType(),
            "outcome",
            result.outcome())
        .increment();
  }
}
