package io.geomachine.worker.vector;

import io.geomachine.core.geo.TableMetadata;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.stac.StacDocuments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The STAC documents of a published table: an item whose bbox and geometry are the table's extent,
 * with two assets, the table itself ({@code postgresql://host:port/database?schema=geo&table=t}, no
 * credentials) and its OGC API - Features items ({@code
 * {features_base_url}/collections/geo.t/items}).
 */
final class VectorStacItems {
  static final String TABLE_MEDIA_TYPE = "application/vnd.postgresql.table";

  private final String databaseUrl;
  private final String featuresBaseUrl;

  /** {@code jdbcUrl}: the workers' JDBC URL, whose host, port and database name the href uses. */
  VectorStacItems(String jdbcUrl, String featuresBaseUrl) {
    String url = jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring(5) : jdbcUrl;
    int q = url.indexOf('?');
    this.databaseUrl = q < 0 ? url : url.substring(0, q);
    this.featuresBaseUrl =
        featuresBaseUrl.endsWith("/")
            ? featuresBaseUrl.substring(0, featuresBaseUrl.length() - 1)
            : featuresBaseUrl;
  }

  String tableHref(String table) {
    return databaseUrl + "?schema=geo&table=" + table;
  }

  String featuresUrl(String table) {
    return featuresBaseUrl + "/collections/geo." + table + "/items";
  }

  /** A user collection for the table's item, with the table's extent (used when it is new). */
  JsonObject collection(String id, GeoTablePublisher.Stats stats) {
    return StacDocuments.collection(
        id, null, "Vector tables published by GeoMachine", stats.extent(), datetime(stats));
  }

  JsonObject item(
      VectorTableSpec spec, TableMetadata row, GeoTablePublisher.Stats stats, String jobType) {
    JsonArray columns = new JsonArray();
    spec.columns()
        .forEach(c -> columns.add(new JsonObject().put("name", c.name()).put("type", c.pgType())));
    JsonObject properties =
        new JsonObject()
            .put("datetime", datetime(stats))
            .put("title", "geo." + row.tableName())
            .put(StacCatalog.JOB_ID_PROPERTY, row.jobId())
            .put(StacCatalog.JOB_TYPE_PROPERTY, jobType)
            .put("geomachine:table", "geo." + row.tableName())
            .put("geomachine:row_count", row.rowCount())
            .put("geomachine:geometry_column", row.geometryColumn())
            .put("geomachine:geometry_type", row.geometryType())
            .put("geomachine:srid", row.srid())
            .put("geomachine:columns", columns)
            .put("geomachine:source_file", row.sourceFile())
            .put("geomachine:source_format", row.sourceFormat())
            .put("geomachine:source_crs", row.sourceCrs());
    JsonObject assets =
        new JsonObject()
            .put(
                "table",
                new JsonObject()
                    .put("href", tableHref(row.tableName()))
                    .put("type", TABLE_MEDIA_TYPE)
                    .put("title", "PostGIS table geo." + row.tableName())
                    .put("roles", new JsonArray().add("data")))
            .put(
                "features",
                new JsonObject()
                    .put("href", featuresUrl(row.tableName()))
                    .put("type", "application/geo+json")
                    .put("title", "OGC API - Features items of geo." + row.tableName())
                    .put("roles", new JsonArray().add("data")));
    return new JsonObject()
        .put("type", "Feature")
        .put("stac_version", StacDocuments.STAC_VERSION)
        .put("id", row.stacItemId())
        .put("collection", row.stacCollectionId())
        .put("bbox", StacDocuments.bboxArray(row.extent()))
        .put("geometry", StacDocuments.bboxPolygon(row.extent()))
        .put("properties", properties)
        .put("links", new JsonArray())
        .put("assets", assets);
  }

  /** When the rows were first loaded (stable across publish re-runs). */
  private static String datetime(GeoTablePublisher.Stats stats) {
    OffsetDateTime t = stats.firstCreated() == null ? OffsetDateTime.now() : stats.firstCreated();
    return DateTimeFormatter.ISO_INSTANT.format(
        t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
  }
}
