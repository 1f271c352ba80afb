package io.geomachine.core.job.raster;

import io.geomachine.core.job.ParameterSchema;

/**
 * The parameters raster jobs share, with the original system's names, declared once so every raster
 * job validates them alike.
 */
public final class RasterParameters {
  public static final String CONTAINER_NAME = "container_name";
  public static final String BLOB_NAME = "blob_name";
  public static final String INPUT_CRS = "input_crs";
  public static final String TARGET_CRS = "target_crs";
  public static final String KEEP_NATIVE_CRS = "keep_native_crs";
  public static final String RASTER_TYPE = "raster_type";
  public static final String OUTPUT_TIER = "output_tier";
  public static final String JPEG_QUALITY = "jpeg_quality";
  public static final String OUTPUT_FOLDER = "output_folder";
  public static final String COLLECTION_ID = "collection_id";
  public static final String ITEM_ID = "item_id";
  public static final String STRICT_MODE = "strict_mode";
  public static final String PLATFORM_PROPERTIES = "platform_properties";

  /** Target CRS value that keeps the source's CRS. */
  public static final String NATIVE = "native";

  public static final String EPSG_PATTERN = "(?i)EPSG:[0-9]{3,6}";
  static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,199}";
  static final String CONTAINER_PATTERN = "[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}";

  private RasterParameters() {}

  public static ParameterSchema.Builder source(ParameterSchema.Builder b) {
    return b.string(CONTAINER_NAME)
        .required()
        .pattern(CONTAINER_PATTERN)
        .doc("the container holding the source raster (bronze zone)")
        .add()
        .string(BLOB_NAME)
        .required()
        .pattern("[^\\x00-\\x1f]{1,1024}")
        .doc("the source raster's blob name (any GDAL-readable raster, e.g. a GeoTIFF)")
        .add();
  }

  public static ParameterSchema.Builder checks(ParameterSchema.Builder b) {
    return b.string(INPUT_CRS)
        .pattern(EPSG_PATTERN)
        .doc("the CRS of a file that has none, e.g. EPSG:32633 (an error if the file has another)")
        .add()
        .string(RASTER_TYPE)
        .def("auto")
        .allowed("auto", "rgb", "rgba", "dem", "categorical", "multispectral", "nir")
        .doc("what the raster holds; auto detects it (declared types must fit the data)")
        .add()
        .bool(STRICT_MODE)
        .def(false)
        .doc("reject 64-bit data types (BIT_DEPTH_POLICY_VIOLATION) instead of warning")
        .add();
  }

  public static ParameterSchema.Builder output(ParameterSchema.Builder b) {
    return b.string(TARGET_CRS)
        .def("EPSG:4326")
        .pattern("(?i)(EPSG:[0-9]{3,6}|native)")
        .doc("the CRS of the COG; 'native' keeps the source's")
        .add()
        .bool(KEEP_NATIVE_CRS)
        .def(false)
        .doc("keep the source's CRS whatever target_crs says")
        .add()
        .string(OUTPUT_TIER)
        .def("analysis")
        .allowed("visualization", "analysis", "archive")
        .doc("visualization: JPEG (3-band 8-bit); analysis: DEFLATE; archive: ZSTD")
        .add()
        .integer(JPEG_QUALITY)
        .def(85)
        .min(1)
        .max(100)
        .doc("JPEG quality of the visualization tier")
        .add()
        .string(OUTPUT_FOLDER)
        .pattern("[^\\x00-\\x1f]{0,512}")
        .doc("folder in the COG container (default: the source blob's folder)")
        .add();
  }

  public static ParameterSchema.Builder catalog(ParameterSchema.Builder b) {
    return b.string(COLLECTION_ID)
        .pattern(ID_PATTERN)
        .doc("STAC collection of the item (default system-rasters; created if missing)")
        .add()
        .string(ITEM_ID)
        .pattern(ID_PATTERN)
        .doc("STAC item id (default: derived from container and blob name)")
        .add()
        .object(PLATFORM_PROPERTIES)
        .doc("fields copied into every STAC item's properties (caller's platform metadata)")
        .add();
  }
}
