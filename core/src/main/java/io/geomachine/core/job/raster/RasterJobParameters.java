package io.geomachine.core.job.raster;

import io.geomachine.core.job.ParameterSchema;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Parameters the multi-file raster jobs share, under the original system's names, and the names
 * their outputs are given (derived from the inputs, so a re-run writes the same names again).
 */
public final class RasterJobParameters {
  /** A blob or container name as users give it (no path tricks, no control characters). */
  static final String BLOB_NAME = "[^\\x00-\\x1f\\\\]{1,1024}";

  static final String CONTAINER = "[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?";
  static final String ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
  static final String FOLDER = "[A-Za-z0-9][A-Za-z0-9._/-]{0,199}";

  /** The value of {@code target_crs} that keeps the source's CRS. */
  public static final String NATIVE_CRS = "native";

  private RasterJobParameters() {}

  /** The COG options: CRS handling, raster type, tier, JPEG quality, strictness. */
  static ParameterSchema.Builder cogOptions(ParameterSchema.Builder b) {
    return b.string("input_crs")
        .doc("CRS to assign when a file has none (e.g. EPSG:32633); refused if it disagrees")
        .add()
        .string("target_crs")
        .def("EPSG:4326")
        .doc("CRS of the outputs; 'native' keeps the source's CRS")
        .add()
        .string("raster_type")
        .def("auto")
        .allowed("auto", "rgb", "rgba", "dem", "categorical", "multispectral", "nir")
        .doc("declared raster type, or auto to detect it")
        .add()
        .string("output_tier")
        .def("analysis")
        .allowed("visualization", "analysis", "archive")
        .doc("COG compression profile")
        .add()
        .integer("jpeg_quality")
        .min(1)
        .max(100)
        .def(85)
        .doc("JPEG quality of the visualization tier")
        .add()
        .bool("strict_mode")
        .def(false)
        .doc("refuse 64-bit data types instead of converting them")
        .add();
  }

  static ParameterSchema.Builder outputs(ParameterSchema.Builder b) {
    return b.string("output_folder")
        .pattern(FOLDER)
        .doc("folder in the COG and MosaicJSON containers (default: derived from the input)")
        .add()
        .string("collection_id")
        .pattern(ID)
        .doc("STAC collection of the items (default: derived from the input)")
        .add()
        .integer("maxzoom")
        .min(0)
        .max(24)
        .doc("MosaicJSON maxzoom (default: computed from the resolution)")
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

  /**
   * The COG options every COG task receives, copied from the job's parameters (so tasks do not
   * depend on parameters they do not use).
   */
  static JsonObject cogParams(JsonObject job) {
    JsonObject out = new JsonObject();
    for (String k :
        new String[] {
          "input_crs", "target_crs", "raster_type", "output_tier", "jpeg_quality", "strict_mode"
        }) {
      if (job.getValue(k) != null) {
        out.put(k, job.getValue(k));
      }
    }
    return out;
  }
}
