package io.geomachine.worker.raster.engine;

/** The task-level error codes of the raster jobs (documented in docs/raster.md). */
public final class RasterCodes {
  public static final String FILE_UNREADABLE = "FILE_UNREADABLE";
  public static final String BLOB_NOT_FOUND = "BLOB_NOT_FOUND";
  public static final String CRS_MISSING = "CRS_MISSING";
  public static final String CRS_MISMATCH = "CRS_MISMATCH";
  public static final String INVALID_CRS = "INVALID_CRS";
  public static final String BIT_DEPTH_POLICY_VIOLATION = "BIT_DEPTH_POLICY_VIOLATION";
  public static final String RASTER_TYPE_MISMATCH = "RASTER_TYPE_MISMATCH";
  public static final String UNSUPPORTED_DATA_TYPE = "UNSUPPORTED_DATA_TYPE";
  public static final String RASTER_TOO_LARGE_FOR_SINGLE = "RASTER_TOO_LARGE_FOR_SINGLE";
  public static final String COG_CREATION_FAILED = "COG_CREATION_FAILED";
  public static final String COG_INVALID = "COG_INVALID";
  public static final String GDAL_TIMEOUT = "GDAL_TIMEOUT";

  /** Blob storage failed while GDAL read a source (retried: the file itself may be fine). */
  public static final String STORAGE_READ_FAILED = "STORAGE_READ_FAILED";

  private RasterCodes() {}
}
