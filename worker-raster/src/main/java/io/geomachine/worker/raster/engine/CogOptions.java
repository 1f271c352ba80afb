package io.geomachine.worker.raster.engine;

/**
 * What a COG is made with.
 *
 * @param targetEpsg the CRS to reproject to, null to keep the source's
 * @param assignCrs a CRS ("EPSG:n") to assign to a source that has none, else null
 * @param jpegQuality 1-100, for the visualization tier
 */
public record CogOptions(
    CogTier tier, int jpegQuality, Integer targetEpsg, String assignCrs, RasterType rasterType) {
  public static final int BLOCK_SIZE = 512;

  public CogOptions {
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("jpeg_quality must be 1-100");
    }
  }

  /** Whether writing needs a warp: the target CRS differs from the source's. */
  public boolean reprojects(Integer sourceEpsg) {
    return targetEpsg != null && !targetEpsg.equals(sourceEpsg);
  }
}
