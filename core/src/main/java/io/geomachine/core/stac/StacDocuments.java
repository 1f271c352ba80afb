package io.geomachine.core.stac;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Builders for the STAC documents GeoMachine writes (STAC 1.0.0). */
public final class StacDocuments {
  public static final String STAC_VERSION = "1.0.0";

  private StacDocuments() {}

  /**
   * A collection with a spatial extent ({@code [minx, miny, maxx, maxy]} in EPSG:4326) and an open
   * temporal interval from {@code start} (null: unknown).
   */
  public static JsonObject collection(
      String id, String title, String description, double[] bbox, String start) {
    JsonObject c =
        new JsonObject()
            .put("id", id)
            .put("type", "Collection")
            .put("stac_version", STAC_VERSION)
            .put("description", description)
            .put("license", "proprietary")
            .put(
                "extent",
                new JsonObject()
                    .put(
                        "spatial",
                        new JsonObject().put("bbox", new JsonArray().add(bboxArray(bbox))))
                    .put(
                        "temporal",
                        new JsonObject()
                            .put(
                                "interval",
                                new JsonArray().add(new JsonArray().add(start).addNull()))))
            .put("links", new JsonArray());
    if (title != null) {
      c.put("title", title);
    }
    return c;
  }

  /** The whole world, for collections whose extent is not known yet. */
  public static double[] world() {
    return new double[] {-180, -90, 180, 90};
  }

  public static JsonArray bboxArray(double[] bbox) {
    JsonArray a = new JsonArray();
    for (double v : bbox) {
      a.add(v);
    }
    return a;
  }

  /** The bbox as a GeoJSON polygon (counter-clockwise, closed). */
  public static JsonObject bboxPolygon(double[] b) {
    return new JsonObject()
        .put("type", "Polygon")
        .put(
            "coordinates",
            new JsonArray()
                .add(
                    new JsonArray()
                        .add(new JsonArray().add(b[0]).add(b[1]))
                        .add(new JsonArray().add(b[2]).add(b[1]))
                        .add(new JsonArray().add(b[2]).add(b[3]))
                        .add(new JsonArray().add(b[0]).add(b[3]))
                        .add(new JsonArray().add(b[0]).add(b[1]))));
  }
}
