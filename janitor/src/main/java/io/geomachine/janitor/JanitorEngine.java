package io.geomachine.janitor;

import io.geomachine.core.engine.DeadLetterOffice;
import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.JanitorPasses;
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
 * Wires the domain for the janitor: it re-sends job commands to the orchestrator and retried tasks
 * to the workers.
 */
@ApplicationScoped
public class JanitorEngine {
  @Channel("jobs")
  MutinyEmitter<JsonObject> jobs;

  @Channel("raster-tasks")
  MutinyEmitter<JsonObject> rasterTasks;

  @Channel("vector-tasks")
  MutinyEmitter<JsonObject> vectorTasks;

  @Produces
  @Singleton
  Engine engine(Pool pool, JanitorConfig config) {
    return new Engine(
        pool,
        JobRegistry.standard(),
        Map.of(Destination.JOBS, jobs::send),
        config.outbox().toSettings());
  }

  @Produces
  @Singleton
  DeadLetterOffice deadLetterOffice(Engine engine) {
    return engine.deadLetterOffice();
  }

  @Produces
  @Singleton
  JanitorPasses janitorPasses(Engine engine, JanitorConfig config, BlobStore blobs) {
    return engine.janitorPasses(
        config.tasks().retryPolicy(), config.toSettings(), blobs::deletePrefix);
  }

  /** Blob storage for the blob-cleanup pass (no connection is made until first use). */
  @Produces
  @Singleton
  BlobStore blobStore(JanitorConfig config) {
    return BlobStore.connect(config.storage().toSettings());
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
