package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorParameters;
import io.geomachine.core.task.TaskFailure;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The PostGIS column type for what the chunks hold. All geometries are multi types by then
 * (POINT+MULTIPOINT became MULTIPOINT); different families (points and polygons) are refused with
 * MIXED_GEOMETRY_TYPES unless {@code mixed_geometry=geometry}, which types the column GEOMETRY.
 */
public final class GeometryTypes {
  private static final Map<Integer, String> NAMES =
      Map.of(
          1, "POINT",
          2, "LINESTRING",
          3, "POLYGON",
          4, "MULTIPOINT",
          5, "MULTILINESTRING",
          6, "MULTIPOLYGON",
          7, "GEOMETRYCOLLECTION");

  private GeometryTypes() {}

  /**
   * @param baseTypes the EWKB base type codes seen (1..7)
   * @param z whether Z was kept, m whether M was kept
   */
  public static String postgisType(
      Set<Integer> baseTypes, boolean z, boolean m, String mixedMode, String display)
      throws TaskFailure {
    String base;
    if (baseTypes.size() == 1) {
      base = NAMES.getOrDefault(baseTypes.iterator().next(), "GEOMETRY");
    } else if (VectorParameters.MIXED_GEOMETRY.equals(mixedMode)) {
      base = "GEOMETRY";
    } else {
      throw TaskFailure.permanent(
          "MIXED_GEOMETRY_TYPES",
          display
              + " mixes geometry types "
              + baseTypes.stream()
                  .map(t -> NAMES.getOrDefault(t, "type " + t))
                  .collect(Collectors.joining(", "))
              + " (after promoting single to multi types); submit with"
              + " mixed_geometry=geometry to load them into one GEOMETRY column, or split the file");
    }
    return base + (z ? "Z" : "") + (m ? "M" : "");
  }

  public static int coordDimension(boolean z, boolean m) {
    return 2 + (z ? 1 : 0) + (m ? 1 : 0);
  }
}
