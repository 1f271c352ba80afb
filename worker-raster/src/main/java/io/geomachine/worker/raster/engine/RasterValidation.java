package io.geomachine.worker.raster.engine;

import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks a raster passes before it is processed, each failing with a task-level code users can
 * act on and a message naming the file and the parameter. Problems that do not stop processing
 * (64-bit data outside strict mode, an input CRS the file makes redundant) become warnings.
 */
public final class RasterValidation {
  private static final Pattern EPSG = Pattern.compile("(?i)^\\s*EPSG:(\\d{3,6})\\s*$");

  private final RasterTypeDetector detector = new RasterTypeDetector();

  /**
   * @param file what the messages call the file ({@code container/blob})
   * @param inputCrs the user's CRS for a file without one ({@code EPSG:n}), or null
   * @param declaredType a raster type label, or null/"auto" to detect
   * @param strictMode 64-bit data types fail instead of warning
   */
  public record Request(String file, String inputCrs, String declaredType, boolean strictMode) {}

  /**
   * What validation concluded.
   *
   * @param sourceEpsg the EPSG code the data is in (the file's own, else the input CRS), null when
   *     the file's CRS has no EPSG code
   * @param assignCrs the CRS to assign because the file has none (the input CRS), else null
   */
  public record Outcome(
      RasterTypeDetector.Detection detection,
      RasterType effectiveType,
      Integer sourceEpsg,
      String assignCrs,
      List<String> warnings) {

    public JsonObject toJson() {
      return new JsonObject()
          .put("detected_type", detection.type().label())
          .put("evidence", new JsonArray(new ArrayList<>(detection.evidence())))
          .put("raster_type", effectiveType.label())
          .put("source_epsg", sourceEpsg)
          .put("assign_crs", assignCrs)
          .put("warnings", new JsonArray(new ArrayList<>(warnings)));
    }
  }

  public Outcome validate(RasterInfo info, Request req) throws TaskFailure {
    List<String> warnings = new ArrayList<>();
    for (BandInfo b : info.bands()) {
      if (GdalDataTypes.isComplex(b.dataType()) || "Unknown".equals(b.dataType())) {
        throw TaskFailure.permanent(
            RasterCodes.UNSUPPORTED_DATA_TYPE,
            req.file()
                + ": band "
                + b.index()
                + " has data type "
                + b.dataType()
                + ", which cannot be published as a COG (complex and unknown types are not"
                + " supported; convert to a real-valued type first)");
      }
    }
    for (String type : info.dataTypes()) {
      if (GdalDataTypes.is64Bit(type)) {
        String msg =
            req.file()
                + " has 64-bit data ("
                + type
                + "); 64-bit rasters are twice the size of 32-bit ones and most clients read them"
                + " as 32-bit";
        if (req.strictMode()) {
          throw TaskFailure.permanent(
              RasterCodes.BIT_DEPTH_POLICY_VIOLATION,
              msg
                  + ". strict_mode=true rejects them: convert to Float32/Int32 or set strict_mode"
                  + " to false");
        }
        warnings.add(msg + " (kept as is; strict_mode=true would reject it)");
      }
    }
    Integer inputEpsg = parseEpsg(req.inputCrs(), "input_crs");
    Integer sourceEpsg;
    String assignCrs = null;
    if (info.geoTransform() == null) {
      throw TaskFailure.permanent(
          RasterCodes.CRS_MISSING,
          req.file() + " has no georeferencing (no geotransform): it cannot be placed on a map");
    }
    if (!info.hasCrs()) {
      if (inputEpsg == null) {
        throw TaskFailure.permanent(
            RasterCodes.CRS_MISSING,
            req.file()
                + " has no coordinate reference system; give input_crs (e.g. \"EPSG:32633\")");
      }
      sourceEpsg = inputEpsg;
      assignCrs = "EPSG:" + inputEpsg;
    } else {
      sourceEpsg = info.epsg();
      if (inputEpsg != null) {
        if (info.epsg() == null) {
          warnings.add(
              "input_crs "
                  + req.inputCrs()
                  + " ignored: "
                  + req.file()
                  + " has its own CRS (without an EPSG code), which is used");
        } else if (!inputEpsg.equals(info.epsg())) {
          throw TaskFailure.permanent(
              RasterCodes.CRS_MISMATCH,
              "input_crs EPSG:"
                  + inputEpsg
                  + " disagrees with the CRS of "
                  + req.file()
                  + " (EPSG:"
                  + info.epsg()
                  + "); input_crs is only for files without a CRS: omit it or fix the file");
        }
      }
    }
    RasterTypeDetector.Detection detection = detector.detect(info);
    RasterType effective = detection.type();
    String declared = req.declaredType();
    if (declared != null && !declared.isBlank() && !"auto".equalsIgnoreCase(declared)) {
      RasterType d;
      try {
        d = RasterType.fromLabel(declared);
      } catch (IllegalArgumentException e) {
        throw TaskFailure.permanent(
            RasterCodes.RASTER_TYPE_MISMATCH, "raster_type '" + declared + "' is not a known type");
      }
      String why = detector.mismatch(d, info);
      if (why != null) {
        throw TaskFailure.permanent(
            RasterCodes.RASTER_TYPE_MISMATCH,
            "raster_type "
                + d.label()
                + " does not fit "
                + req.file()
                + ": "
                + why
                + " (detected: "
                + detection.type().label()
                + ")");
      }
      if (d != detection.type()) {
        warnings.add(
            "raster_type "
                + d.label()
                + " declared; detection said "
                + detection.type().label()
                + " ("
                + String.join("; ", detection.evidence())
                + ")");
      }
      effective = d;
    }
    return new Outcome(detection, effective, sourceEpsg, assignCrs, List.copyOf(warnings));
  }

  /** The EPSG code of "EPSG:n" (case-insensitive), null for null/blank; INVALID_CRS otherwise. */
  public static Integer parseEpsg(String crs, String parameter) throws TaskFailure {
    if (crs == null || crs.isBlank()) {
      return null;
    }
    Matcher m = EPSG.matcher(crs);
    if (!m.matches()) {
      throw TaskFailure.permanent(
          RasterCodes.INVALID_CRS,
          parameter + " must look like \"EPSG:4326\" (got '" + crs.toUpperCase(Locale.ROOT) + "')");
    }
    return Integer.valueOf(m.group(1));
  }
}
