package io.geomachine.worker.vector;

import io.geomachine.core.engine.TaskConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Entry point: task messages from the vector task queue, run on the task-runners worker pool. The
 * message is acknowledged as soon as the task is claimed (its lease in the database keeps it alive,
 * however long it runs); if the database is unreachable before that, it is nacked and redelivered.
 */
@ApplicationScoped
public class VectorTaskListener {
  static final String QUEUE = "vector-tasks";

  @Inject TaskConsumer consumer;
  @Inject MeterRegistry metrics;

  @Incoming(QUEUE)
  @Blocking(value = "task-runners", ordered = false)
  public CompletionStage<Void> onMessage(Message<Object> message) {
    return consumer.handle(QUEUE, message.getPayload(), message::ack, message::nack, this::count);
  }

  private void count(TaskConsumer.Result result) {
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
