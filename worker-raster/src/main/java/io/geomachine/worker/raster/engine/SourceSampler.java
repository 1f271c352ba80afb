package io.geomachine.worker.raster.engine;

import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.task.TaskFailure;
import java.nio.file.Path;
import java.util.List;

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
    double scale =
        Math.min(1.0, (double) RasterInspector.SAMPLE_SIZE / Math.max(info.width(), info.height()));
    int w = Math.max(1, (int) Math.round(info.width() * scale));
    int h = Math.max(1, (int) Math.round(info.height() * scale));
    Path sample = workDir.resolve("sample.tif");
    ProcessRunner.Result r =
        gdal.run(
            List.of(
                "gdal_translate",
                "-q",
                "-of",
                "GTiff",
                "-r",
                "near",
                "-outsize",
                String.valueOf(w),
                String.valueOf(h),
                source.toString(),
                sample.toString()));
    if (!r.ok() || r.output().contains("ERROR ")) {
      throw TaskFailure.permanent(
          RasterCodes.FILE_UNREADABLE,
          label + " could not be read: " + Gdal.firstError(r.output()));
    }
    return RasterInspector.withStatistics(info, gdal.info(sample, label, "-stats", "-hist"));
  }
}
