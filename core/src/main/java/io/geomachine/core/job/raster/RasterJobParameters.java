package io.geomachine.core.job.raster;

import io.geomachine.core.job.ParameterSchema;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Parameters the multi-file raster jobs share, under the original system's names, and the names
 * their outputs are given (derived from the inputs, so a re-run writes the same names again).
 */
public final class RasterJobParameters {
  static final String CONTAINER = RasterParameters.CONTAINER_PATTERN;
  static final String ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";

  private RasterJobParameters() {}

  /**
   * The source checks and COG options of {@link RasterParameters} (same names, same validation as
   * process_raster), plus what a mosaic job's outputs are called.
   */
  static ParameterSchema.Builder mosaicJob(ParameterSchema.Builder b) {
    return RasterParameters.output(RasterParameters.checks(b))
        .string(RasterParameters.COLLECTION_ID)
        .pattern(ID)
        .doc("STAC collection of the items (default: derived from the input)")
        .add()
        .integer("maxzoom")
        .min(0)
        .max(24)
        .doc("MosaicJSON maxzoom (default: computed from the resolution)")
        .add()
        .object(RasterParameters.PLATFORM_PROPERTIES)
        .doc("fields copied into every STAC item's properties (caller's platform metadata)")
        .add();
  }

  /** The name's last path segment without its extension: {@code a/b/scene.tif} → {@code scene}. */
  public static String stem(String blobName) {
    String last = blobName.substring(blobName.lastIndexOf('/') + 1);
    int dot = last.lastIndexOf('.');
    return dot > 0 ? last.substring(0, dot) : last;
  }

  /** A lowercase id made of letters, digits and dashes (for collections, items, folders). */
  public static String slug(String text) {
    String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    s = s.replaceAll("^-+|-+$", "");
    if (s.length() > 80) {
      s = s.substring(0, 80).replaceAll("-+$", "");
    }
    return s.isEmpty() ? "raster" : s;
  }

  /** The folder of one job's outputs: the first 16 characters of its id. */
  public static String jobFolder(String jobId) {
    return jobId.substring(0, 16);
  }

  /** {@code param} when given, else {@code fallback}. */
  static String orDefault(JsonObject params, String param, String fallback) {
    String v = params.getString(param);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** The parameters the validation, COG and item tasks read, copied from the job's. */
  static JsonObject taskParams(JsonObject job) {
    JsonObject out = new JsonObject();
    for (String k :
        new String[] {
          RasterParameters.INPUT_CRS,
          RasterParameters.RASTER_TYPE,
          RasterParameters.STRICT_MODE,
          RasterParameters.TARGET_CRS,
          RasterParameters.KEEP_NATIVE_CRS,
          RasterParameters.OUTPUT_TIER,
          RasterParameters.JPEG_QUALITY,
          RasterParameters.PLATFORM_PROPERTIES,
          RasterParameters.CONTAINER_NAME
        }) {
      if (job.getValue(k) != null) {
        out.put(k, job.getValue(k));
      }
    }
    return out;
  }
}
