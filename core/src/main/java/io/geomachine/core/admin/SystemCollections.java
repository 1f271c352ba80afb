package io.geomachine.core.admin;

import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.stac.StacDocuments;
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
  static final String VECTORS = StacCatalog.SYSTEM_COLLECTIONS.get(0);
  static final String RASTERS = StacCatalog.SYSTEM_COLLECTIONS.get(1);
  static final List<String> IDS = StacCatalog.SYSTEM_COLLECTIONS;

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
    return StacDocuments.collection(id, title, description, StacDocuments.world(), null)
        .put(
            "summaries",
            new JsonObject()
                .put("asset_type", new JsonArray().add(assetType))
                .put("media_type", new JsonArray().add(mediaType)));
  }
}
