package io.geomachine.worker.raster.engine;

import java.util.Locale;

/** What a raster holds, which decides resampling and the tiers that fit it. */
public enum RasterType {
  RGB,
  RGBA,
  DEM,
  CATEGORICAL,
  MULTISPECTRAL,
  NIR;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Class values: never interpolated (nearest when warping, mode for overviews). */
  public boolean categorical() {
    return this == CATEGORICAL;
  }

  public static RasterType fromLabel(String label) {
    return valueOf(label.trim().toUpperCase(Locale.ROOT));
  }

  /** Resampling when warping: nearest for class values, bilinear for continuous data. */
  public String warpResampling() {
    return categorical() ? "near" : "bilinear";
  }

  /** Resampling for overviews: mode for class values, average for continuous data. */
  public String overviewResampling() {
    return categorical() ? "MODE" : "AVERAGE";
  }
}
