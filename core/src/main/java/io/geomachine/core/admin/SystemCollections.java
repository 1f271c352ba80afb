package io.geomachine.core.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The two system STAC collections that track what the ETL produced (seed 000 step 5): {@code
 * system-vectors} (PostGIS tables) and {@code system-rasters} (COG files). They are infrastructure,
 * recreated by every rebuild, and kept by STAC nukes except {@code mode=all}, which recreates them
 * empty.
 */
final class SystemCollections {
  static final String VECTORS = "system-vectors";
  static final String RASTERS = "system-rasters";
  static final List<String> IDS = List.of(VECTORS, RASTERS);

  private SystemCollections() {}

  static List<JsonObject> all() {
    return List.of(
        collection(
            VECTORS,
            "System STAC - Vector Tables",
            "Operational tracking of PostGIS vector tables created by ETL",
            "vector",
            "application/geo+json"),
        collection(
            RASTERS,
            "System STAC - Raster Files",
            "Operational tracking of COG files created by ETL",
            "raster",
            "image/tiff; application=geotiff; profile=cloud-optimized"));
  }

  private static JsonObject collection(
      String id, String title, String description, String assetType, String mediaType) {
    return new JsonObject()
        .put("id", id)
        .put("type", "Collection")
        .put("stac_version", "1.0.0")
        .put("title", title)
        .put("description", description)
        .put("license", "proprietary")
        .put(
            "extent",
            new JsonObject()
                .put(
                    "spatial",
                    new JsonObject()
                        .put(
                            "bbox",
                            new JsonArray()
                                .add(new JsonArray().add(-180).add(-90).add(180).add(90))))
                .put(
                    "temporal",
                    new JsonObject()
                        .put("interval", new JsonArray().add(new JsonArray().addNull().addNull()))))
        .put(
            "summaries",
            new JsonObject()
                .put("asset_type", new JsonArray().add(assetType))
                .put("media_type", new JsonArray().add(mediaType)))
        .put("links", new JsonArray());
  }
}
