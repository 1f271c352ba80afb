package io.geomachine.core.job.raster;

/** Task types of the raster jobs (handlers in worker-raster). */
public final class RasterTasks {
  /** Inspects and validates one source raster. */
  public static final String VALIDATE = "raster_validate";

  /** Writes, validates and publishes the COG of one source raster. */
  public static final String CREATE_COG = "raster_create_cog";

  /** Writes the STAC item (and its sidecar) of one COG. */
  public static final String STAC_ITEM = "raster_stac_item";

  /** Task parameter: fail with RASTER_TOO_LARGE_FOR_SINGLE above the worker's single-file limit. */
  public static final String ENFORCE_SINGLE_LIMIT = "enforce_single_limit";

  /** Task parameter: the previous stage's result this task builds on. */
  public static final String VALIDATION = "validation";

  public static final String COG = "cog";

  private RasterTasks() {}
}
