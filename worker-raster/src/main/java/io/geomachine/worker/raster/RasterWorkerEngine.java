package io.geomachine.worker.raster;

import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.TaskConsumer;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.BenchmarkNoopHandler;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.tasks.CreateCogHandler;
import io.geomachine.worker.raster.tasks.MosaicFinishHandler;
import io.geomachine.worker.raster.tasks.RasterStacItemHandler;
import io.geomachine.worker.raster.tasks.RasterTaskContext;
import io.geomachine.worker.raster.tasks.RoutedRasterHandlers;
import io.geomachine.worker.raster.tasks.StacContainerFinishHandler;
import io.geomachine.worker.raster.tasks.StacContainerItemHandler;
import io.geomachine.worker.raster.tasks.StacContainerListHandler;
import io.geomachine.worker.raster.tasks.TileCogHandler;
import io.geomachine.worker.raster.tasks.TilingContext;
import io.geomachine.worker.raster.tasks.TilingSchemeHandler;
import io.geomachine.worker.raster.tasks.ValidateRasterHandler;
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
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Wires the domain for the raster worker: it runs the raster task handlers and reports finished
 * stages to the orchestrator (jobs queue).
 */
@ApplicationScoped
public class RasterWorkerEngine {
  @Channel("jobs")
  MutinyEmitter<JsonObject> jobs;

  @Channel("dead-letters")
  MutinyEmitter<JsonObject> deadLetters;

  @Produces
  @Singleton
  Engine engine(Pool pool, RasterWorkerConfig config) {
    return new Engine(
        pool,
        JobRegistry.standard(),
        Map.of(Destination.JOBS, jobs::send, Destination.DEAD_LETTERS, deadLetters::send),
        config.outbox().toSettings());
  }

  /** Blob storage for sources and outputs (no connection is made until first use). */
  @Produces
  @Singleton
  BlobStore blobStore(RasterWorkerConfig config) {
    return BlobStore.connect(config.storage().toSettings());
  }

  @Produces
  @Singleton
  TaskConsumer taskConsumer(Engine engine, RasterWorkerConfig config, BlobStore store, Pool pool) {
    RasterTaskContext raster = rasterContext(config, store, pool);
    TilingContext tiling = tilingContext(config, raster);
    return engine.taskConsumer(
        List.of(
            new HelloWorldHandlers.Greeting(),
            new BenchmarkNoopHandler(),
            new ValidateRasterHandler(tiling),
            new CreateCogHandler(raster),
            new RasterStacItemHandler(raster),
            new RoutedRasterHandlers.Validate(tiling),
            new RoutedRasterHandlers.Cog(tiling),
            new TilingSchemeHandler(tiling),
            new TileCogHandler(tiling),
            new MosaicFinishHandler(tiling),
            new StacContainerListHandler(store),
            new StacContainerItemHandler(tiling),
            new StacContainerFinishHandler(tiling)),
        config.tasks());
  }

  /** What the tiled, collection and catalog handlers share (raster-b). */
  static TilingContext tilingContext(RasterWorkerConfig config, RasterTaskContext raster) {
    TilingSettings t = config.tiling();
    return TilingContext.create(
        raster,
        config.storage().toSettings(),
        t.tileBudgetBytes(),
        t.gdalCacheMb(),
        !"download".equalsIgnoreCase(t.readMode()));
  }

  static RasterTaskContext rasterContext(RasterWorkerConfig config, BlobStore store, Pool pool) {
    RasterSettings r = config.raster();
    Path root =
        Path.of(r.workDir().orElse(System.getProperty("java.io.tmpdir")), "geomachine-raster");
    return new RasterTaskContext(
        store,
        pool,
        config.storage().layout(),
        new Gdal(r.gdalTimeout()),
        root,
        r.singleMaxBytes());
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
