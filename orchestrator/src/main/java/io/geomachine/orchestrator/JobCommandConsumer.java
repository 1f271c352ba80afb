package io.geomachine.orchestrator;

import io.geomachine.core.engine.CoreMachine;
import io.geomachine.core.engine.MessageIntake;
import io.geomachine.core.engine.StoreOutage;
import io.geomachine.core.messaging.JobMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The orchestrator's entry point: job commands from the jobs queue. Parses (or dead-letters) and
 * hands the command to CoreMachine; the message is acknowledged when the command's transaction has
 * committed, and redelivered by the broker if it failed.
 */
@ApplicationScoped
public class JobCommandConsumer {
  static final String QUEUE = "jobs";

  @Inject CoreMachine coreMachine;
  @Inject MessageIntake intake;
  @Inject OrchestratorConfig config;
  @Inject MeterRegistry metrics;

  @Incoming(QUEUE)
  @Blocking(value = "job-commands", ordered = false)
  public void onMessage(Object payload) {
    JobMessage command = intake.parseOrDeadLetter(QUEUE, payload, JobMessage::fromJson);
    if (command == null) {
      return;
    }
    String type = command.type().name().toLowerCase(java.util.Locale.ROOT);
    metrics
        .timer("geomachine.job.commands", "type", type)
        .record(
            () ->
                // A short database outage is waited out rather than burning delivery attempts.
                StoreOutage.retry(
                    () -> coreMachine.handle(command).await().atMost(config.commandTimeout()),
                    Duration.ofSeconds(30)));
  }
}
