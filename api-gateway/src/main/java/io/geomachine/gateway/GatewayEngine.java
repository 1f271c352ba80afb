package io.geomachine.gateway;

import io.geomachine.core.engine.DeadLetterOffice;
import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.JanitorPasses;
import io.geomachine.core.engine.JobQueries;
import io.geomachine.core.engine.JobSubmission;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.storage.BlobStore;
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

/**
 * Wires the domain for the gateway: it starts jobs (jobs queue), sends dead letters and re-drives
 * dead-lettered messages (jobs and task queues). Submissions write the start message to the outbox;
 * the relay started here publishes it (and any other outbox row for those destinations).
 */
@ApplicationScoped
public class GatewayEngine {
  @Channel("jobs")
  MutinyEmitter<JsonObject> jobs;

  @Channel("dead-letters")
  MutinyEmitter<JsonObject> deadLetters;

  @Produces
  @Singleton
  Engine engine(Pool pool, GatewayConfig config) {
    return new Engine(
        pool,
        JobRegistry.standard(),
        Map.of(
            Destination.JOBS, jobs::send,
            Destination.DEAD_LETTERS, deadLetters::send),
        config.outbox().toSettings());
  }

  @Produces
  @Singleton
  JobSubmission submission(Engine engine) {
    return engine.submission();
  }

  @Produces
  @Singleton
  JobQueries queries(Engine engine) {
    return engine.queries();
  }

  @Produces
  @Singleton
  DeadLetterOffice deadLetterOffice(Engine engine) {
    return engine.deadLetterOffice();
  }

  @Produces
  @Singleton
  JobRegistry registry(Engine engine) {
    return engine.registry();
  }

  @Produces
  @Singleton
  JanitorPasses janitorPasses(Engine engine, GatewayConfig config) {
    // Blob storage is only reached when the blob-cleanup pass runs (connect makes no connection).
    BlobStore blobs = BlobStore.connect(config.storage().toSettings());
    return engine.janitorPasses(
        config.tasks().retryPolicy(), config.cleanup().toSettings(), blobs::deletePrefix);
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
