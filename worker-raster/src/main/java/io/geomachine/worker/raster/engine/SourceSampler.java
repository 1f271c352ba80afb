package io.geomachine.worker.raster.engine;

import io.geomachine.core.task.TaskFailure;
import java.nio.file.Path;

/**
 * Inspects a source wherever GDAL reads it (a /vsiaz/ path included): metadata from the source,
 * statistics from a decimated local sample of at most 512 pixels a side, so neither memory nor
 * local disk grows with the source. {@link RasterInspector#inspect} does the same for local files.
 */
public final class SourceSampler {
  private final Gdal gdal;

  public SourceSampler(Gdal gdal) {
    this.gdal = gdal;
  }

  public RasterInfo inspect(Path source, Path workDir) throws InterruptedException, TaskFailure {
    RasterInfo info = new RasterInspector(gdal).metadata(source);
    String label = source.getFileName().toString();
    if (info.bands().isEmpty()) {
      throw TaskFailure.permanent(RasterCodes.FILE_UNREADABLE, label + " has no raster bands");
    }
    if (info.bands().stream().anyMatch(b -> GdalDataTypes.isComplex(b.dataType()))) {
      return info;
    }
    Path sample = workDir.resolve("sample.tif");
    new RasterInspector(gdal).writeSample(source, info, sample, label);
    return RasterInspector.withStatistics(info, gdal.info(sample, label, "-stats", "-hist"));
  }
}
