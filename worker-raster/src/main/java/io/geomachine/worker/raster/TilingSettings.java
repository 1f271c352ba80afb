package io.geomachine.worker.raster;

import io.smallrye.config.WithDefault;

/** How large rasters are tiled and read ({@code geomachine.worker.tiling.*}). */
public interface TilingSettings {
  /**
   * Uncompressed bytes of one tile when {@code tile_size} is automatic (default 512 MiB): bounds a
   * tile task's temporary disk (its COG) whatever the size of the source.
   */
  @WithDefault("536870912")
  long tileBudgetBytes();

  /** GDAL's block cache for tile commands (GDAL_CACHEMAX, MiB): bounds their memory. */
  @WithDefault("256")
  int gdalCacheMb();

  /**
   * {@code auto}: read source windows straight from blob storage with GDAL's /vsiaz/, falling back
   * to one local copy per worker when GDAL cannot authenticate; {@code download}: always the copy.
   */
  @WithDefault("auto")
  String readMode();
}
