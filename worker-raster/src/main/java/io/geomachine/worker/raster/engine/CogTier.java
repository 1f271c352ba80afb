package io.geomachine.worker.raster.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a COG is compressed, by what it is for. {@code visualization}: JPEG in YCbCr, which needs
 * exactly 3 bands of 8-bit data (pixel interleaved); {@code analysis}: lossless DEFLATE with the
 * predictor suited to the data type; {@code archive}: ZSTD with predictor (smallest lossless).
 */
public enum CogTier {
  VISUALIZATION,
  ANALYSIS,
  ARCHIVE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CogTier fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }

  /**
   * The tier that applies to the data, its COG creation options and, when the requested tier could
   * not apply, the warning saying so (never a silent fallback).
   */
  public record Plan(
      CogTier requested, CogTier applied, List<String> options, List<String> warnings) {}

  /** Why this tier cannot compress the data, or null when it can. */
  public String unsuitableFor(RasterInfo info) {
    if (this != VISUALIZATION) {
      return null;
    }
    if (info.bandCount() != 3 || !info.dataTypes().equals(List.of("Byte"))) {
      return "JPEG needs exactly 3 bands of 8-bit data, the file has "
          + info.bandCount()
          + " band(s) of "
          + String.join("/", info.dataTypes());
    }
    return null;
  }

  /** Plans this tier for the data, falling back to {@code analysis} with a warning. */
  public Plan plan(RasterInfo info, int jpegQuality) {
    List<String> warnings = new ArrayList<>();
    CogTier applied = this;
    String why = unsuitableFor(info);
    if (why != null) {
      applied = ANALYSIS;
      warnings.add(
          "output_tier "
              + label()
              + " cannot apply ("
              + why
              + "); written with the "
              + applied.label()
              + " tier (lossless DEFLATE) instead");
    }
    List<String> options = new ArrayList<>();
    switch (applied) {
      case VISUALIZATION -> {
        options.add("COMPRESS=JPEG");
        options.add("QUALITY=" + jpegQuality);
        if (info.nodata() != null) {
          warnings.add(
              "JPEG is lossy: pixels near nodata value "
                  + info.nodata()
                  + " may not keep it exactly; use the analysis tier to keep nodata exact");
        }
      }
      case ANALYSIS -> {
        options.add("COMPRESS=DEFLATE");
        options.add("PREDICTOR=" + GdalDataTypes.predictor(info.dataType()));
      }
      case ARCHIVE -> {
        options.add("COMPRESS=ZSTD");
        options.add("PREDICTOR=" + GdalDataTypes.predictor(info.dataType()));
      }
    }
    return new Plan(this, applied, List.copyOf(options), List.copyOf(warnings));
  }
}
