package io.geomachine.worker.raster;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Raster processing settings ({@code geomachine.worker.raster.*}). */
public interface RasterSettings {
  /**
   * The largest source {@code process_raster} handles in one task (bytes; default 1 GiB). Larger
   * sources fail validation with RASTER_TOO_LARGE_FOR_SINGLE, recommending process_large_raster.
   */
  @WithDefault("1073741824")
  long singleMaxBytes();

  /** Local directory for sources and COGs being written (default: the JVM's temp directory). */
  Optional<String> workDir();

  /** How long one GDAL command may run before the task fails with GDAL_TIMEOUT. */
  @WithDefault("PT2H")
  Duration gdalTimeout();
}
