package io.geomachine.worker.vector;

import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.TaskConsumer;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.worker.vector.prepare.VectorPrepareHandler;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Wires the domain for the vector worker: it runs the vector task handlers and reports finished
 * stages to the orchestrator (jobs queue).
 */
@ApplicationScoped
public class VectorWorkerEngine {
  @Channel("jobs")
  MutinyEmitter<JsonObject> jobs;

  @Channel("dead-letters")
  MutinyEmitter<JsonObject> deadLetters;

  @Produces
  @Singleton
  Engine engine(Pool pool, VectorWorkerConfig config) {
    return new Engine(
        pool,
        JobRegistry.standard(),
        Map.of(Destination.JOBS, jobs::send, Destination.DEAD_LETTERS, deadLetters::send),
        config.outbox().toSettings());
  }

  /** Blob storage for sources and outputs (no connection is made until first use). */
  @Produces
  @Singleton
  BlobStore blobStore(VectorWorkerConfig config) {
    return BlobStore.connect(config.storage().toSettings());
  }

  @Produces
  @Singleton
  TaskConsumer taskConsumer(Engine engine, Pool pool, BlobStore blobs, VectorWorkerConfig config) {
    Path workDir =
        Path.of(config.workDir().orElse(System.getProperty("java.io.tmpdir")), "geomachine-vector");
    List<TaskHandler> handlers = new ArrayList<>();
    handlers.add(new HelloWorldHandlers.Reply());
    handlers.add(
        new VectorPrepareHandler(
            pool,
            blobs,
            config.storage().tempContainer(),
            workDir,
            config.vector().prepareParallelism().orElse(Runtime.getRuntime().availableProcessors()),
            config.vector().prepareSplitMinBytes(),
            config.vector().binaryChunks()));
    handlers.addAll(VectorLoadPublishHandlers.of(pool, blobs, config));
    return engine.taskConsumer(handlers, config.tasks());
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
