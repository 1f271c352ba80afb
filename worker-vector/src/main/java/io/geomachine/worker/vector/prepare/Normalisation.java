package io.geomachine.worker.vector.prepare;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one ogr2ogr pass that normalises a layer into PostgreSQL COPY rows: to EPSG:4326, multi
 * types, Z/M dropped unless kept, written by the PGDUMP driver as COPY data with hex EWKB
 * geometries and no DDL. Invalid geometries are repaired later, in PostgreSQL, at publish
 * (GeometryRepairs): checking validity there costs a third of running MakeValid on every geometry
 * here.
 *
 * @param keepZ keep Z coordinates (only when the source has them)
 * @param keepM keep M values (only when the source has them)
 * @param sourceCrs the CRS to assume (-s_srs), only when the layer declares none; else null
 */
public record Normalisation(
    Path dataset,
    String layer,
    List<String> openOptions,
    LayerProbe probe,
    String sourceCrs,
    boolean keepZ,
    boolean keepM,
    String where) {

  /** Families of OGR geometry type names (flattened, as GeometryTypeToName prints them). */
  enum Family {
    POINT,
    LINE,
    POLYGON,
    OTHER;

    static Family of(String ogrTypeName) {
      String t = ogrTypeName.toLowerCase(Locale.ROOT);
      if (t.endsWith("point")) {
        return POINT;
      }
      if (t.equals("line string") || t.equals("multi line string")) {
        return LINE;
      }
      if (t.equals("polygon") || t.equals("multi polygon")) {
        return POLYGON;
      }
      return OTHER;
    }
  }

  private boolean anyCurve() {
    List<String> all = new ArrayList<>(probe.sampledGeometryTypes());
    all.add(probe.declaredGeometryType());
    return all.stream()
        .map(s -> s.toLowerCase(Locale.ROOT))
        .anyMatch(s -> s.contains("curve") || s.contains("circular") || s.contains("surface"));
  }

  /**
   * The same pass over a part of a split source: its own copy of the data, or the source's feature
   * id range ({@code -where}).
   */
  public Normalisation forPart(SourceSplit.Part part) {
    return new Normalisation(
        part.dataset(), layer, part.openOptions(), probe, sourceCrs, keepZ, keepM, part.where());
  }

  public String dimension() {
    return keepZ && keepM ? "XYZM" : keepZ ? "XYZ" : keepM ? "XYM" : "XY";
  }

  /** The ogr2ogr command that converts the layer into the dump file (or pipe) {@code dump}. */
  public List<String> command(Path dump) {
    List<String> c = new ArrayList<>(List.of("ogr2ogr", "-f", "PGDUMP", dump.toString()));
    c.add(dataset.toString());
    c.add(layer);
    for (String option : openOptions) {
      c.addAll(List.of("-oo", option));
    }
    CONFIG.forEach((name, value) -> c.addAll(List.of("--config", name, value)));
    c.addAll(translation());
    return c;
  }

  /**
   * The same conversion for {@code probe_layer.py --then-translate}, which has the layer open
   * already: {"dest", "args" (ogr2ogr's, layer name last), "config"}.
   */
  public JsonObject translateOrder(Path dump) {
    List<String> args = new ArrayList<>(List.of("-f", "PGDUMP"));
    args.addAll(translation());
    args.add(layer);
    JsonObject config = new JsonObject();
    CONFIG.forEach(config::put);
    return new JsonObject()
        .put("dest", dump.toString())
        .put("args", new JsonArray(args))
        .put("config", config);
  }

  /**
   * GDAL settings of every conversion: COPY rows in the dump, and a shapefile without its .shx
   * index rebuilt from the .shp.
   */
  private static final Map<String, String> CONFIG = new LinkedHashMap<>();

  static {
    CONFIG.put("PG_USE_COPY", "YES");
    CONFIG.put("SHAPE_RESTORE_SHX", "YES");
  }

  /** ogr2ogr's options after the source: the dump layout and the normalisation. */
  private List<String> translation() {
    List<String> c = new ArrayList<>();
    for (String lco :
        List.of(
            "CREATE_TABLE=OFF",
            "CREATE_SCHEMA=OFF",
            "DROP_TABLE=OFF",
            "SPATIAL_INDEX=NONE",
            "LAUNDER=NO",
            "FID=",
            "GEOMETRY_NAME=geom",
            "SCHEMA=prepare")) {
      c.addAll(List.of("-lco", lco));
    }
    c.addAll(List.of("-nln", "chunk", "-gt", "unlimited"));
    if (where != null) {
      c.addAll(List.of("-where", where));
    }
    if (sourceCrs != null) {
      c.addAll(List.of("-s_srs", sourceCrs));
    }
    c.addAll(List.of("-t_srs", "EPSG:4326", "-dim", dimension()));
    Family family = Family.of(probe.declaredGeometryType());
    switch (family) {
      case POINT -> c.addAll(List.of("-nlt", "MULTIPOINT"));
      case LINE -> c.addAll(List.of("-nlt", "MULTILINESTRING"));
      case POLYGON -> c.addAll(List.of("-nlt", "MULTIPOLYGON"));
      case OTHER -> {
        if (anyCurve()) {
          c.addAll(List.of("-nlt", "CONVERT_TO_LINEAR"));
        }
        c.addAll(List.of("-nlt", "PROMOTE_TO_MULTI"));
      }
    }
    return c;
  }
}
