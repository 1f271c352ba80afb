package io.geomachine.worker.raster.tasks;

import io.geomachine.core.storage.BlobSettings;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.engine.JobIntermediates;
import io.geomachine.worker.raster.engine.RasterSource;
import io.geomachine.worker.raster.engine.SourceAccess;
import io.geomachine.worker.raster.engine.SourceCache;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the tiled, collection and catalog handlers share on top of {@link RasterTaskContext}: GDAL
 * able to read blob storage directly ({@code /vsiaz/}), how sources are opened, the tile budget,
 * and the job's recorded intermediates.
 *
 * @param remoteGdal GDAL with the storage credentials and cache limit in its environment
 * @param tileBudgetBytes uncompressed bytes of one automatic tile
 */
public record TilingContext(
    RasterTaskContext raster,
    Gdal remoteGdal,
    SourceAccess access,
    long tileBudgetBytes,
    JobIntermediates intermediates) {

  /** How long a fallback copy of a source no task uses stays on a worker. */
  static final java.time.Duration SOURCE_COPY_KEPT = java.time.Duration.ofMinutes(5);

  /**
   * Wires the context: GDAL with the storage's credentials for /vsiaz/ and a block cache of {@code
   * gdalCacheMb}; sources read remotely first unless {@code remoteFirst} is false.
   */
  public static TilingContext create(
      RasterTaskContext raster,
      BlobSettings storage,
      long tileBudgetBytes,
      int gdalCacheMb,
      boolean remoteFirst) {
    Map<String, String> env = new HashMap<>(SourceAccess.azureEnv(storage));
    env.put("GDAL_CACHEMAX", String.valueOf(gdalCacheMb));
    Gdal remote =
        raster.gdal().withEnv(env).withPerRunEnv(() -> SourceAccess.tokenEnv(raster.store()));
    SourceAccess access =
        new SourceAccess(
            remote,
            new RasterSource(raster.store()),
            new SourceCache(SOURCE_COPY_KEPT),
            remoteFirst);
    return new TilingContext(
        raster,
        remote,
        access,
        tileBudgetBytes,
        new JobIntermediates(raster.pool(), raster.store()));
  }

  public RasterSource source() {
    return new RasterSource(raster.store());
  }

  /** Where a worker keeps its fallback copies of sources. */
  public Path cacheDir() {
    return raster.workRoot().resolve("source-copies");
  }

  /** The temp-container prefix of a job's tiling intermediates (recorded before first use). */
  public String tempPrefix(String jobId) {
    return raster.layout().tempPrefix("raster_tiles", jobId);
  }
}
