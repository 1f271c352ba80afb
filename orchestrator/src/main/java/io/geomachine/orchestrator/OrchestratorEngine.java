package io.geomachine.orchestrator;

import io.geomachine.core.engine.CoreMachine;
import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.MessageIntake;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Wires the domain for the orchestrator: it sends tasks to both workers and dead letters. */
@ApplicationScoped
public class OrchestratorEngine {
  @Channel("raster-tasks")
  MutinyEmitter<JsonObject> rasterTasks;

  @Channel("vector-tasks")
  MutinyEmitter<JsonObject> vectorTasks;

  @Channel("dead-letters")
  MutinyEmitter<JsonObject> deadLetters;

  @Produces
  @Singleton
  Engine engine(Pool pool, OrchestratorConfig config) {
    return new Engine(
        pool,
        JobRegistry.standard(),
        Map.of(
            Destination.RASTER_TASKS, rasterTasks::send,
            Destination.VECTOR_TASKS, vectorTasks::send,
            Destination.DEAD_LETTERS, deadLetters::send),
        config.outbox().toSettings());
  }

  @Produces
  @Singleton
  CoreMachine coreMachine(Engine engine) {
    return engine.coreMachine();
  }

  @Produces
  @Singleton
  MessageIntake intake(Engine engine) {
    return engine.intake();
  }

  void onStart(@Observes StartupEvent event, Engine engine, Vertx vertx, MeterRegistry metrics) {
    engine.start(vertx);
    FunctionCounter.builder(
            "geomachine.outbox.published", engine.relay(), relay -> relay.publishedCount())
        .register(metrics);
  }

  void onStop(@Observes ShutdownEvent event, Engine engine) {
    engine.stop();
  }
}
