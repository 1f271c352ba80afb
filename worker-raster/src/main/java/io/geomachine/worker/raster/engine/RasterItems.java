package io.geomachine.worker.raster.engine;

import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.stac.StacDocuments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * STAC items for COGs (STAC 1.0.0 with the projection and raster extensions), their deterministic
 * ids, and the JSON sidecar written next to each COG.
 */
public final class RasterItems {
  public static final String COG_MEDIA_TYPE =
      "image/tiff; application=geotiff; profile=cloud-optimized";
  public static final String PROJ_EXTENSION =
      "https://stac-extensions.github.io/projection/v1.1.0/schema.json";
  public static final String RASTER_EXTENSION =
      "https://stac-extensions.github.io/raster/v1.1.0/schema.json";
  public static final String SYSTEM_COLLECTION = "system-rasters";

  private RasterItems() {}

  /**
   * What an item says about one COG.
   *
   * @param cog the COG's metadata (bbox in EPSG:4326 required)
   * @param sourceStats the source's sampled band statistics (same band count), or null
   * @param href the URL a client opens ({@code BlobStore.url} of the COG)
   * @param datetime RFC 3339, deterministic for the source (its last-modified time)
   * @param properties extra properties (source, raster type, tier, ...), may be empty
   * @param platformProperties caller pass-through fields, copied into properties, may be null
   */
  public record ItemSpec(
      String collectionId,
      String itemId,
      RasterInfo cog,
      RasterInfo sourceStats,
      String href,
      String datetime,
      String jobId,
      String jobType,
      JsonObject properties,
      JsonObject platformProperties) {}

  public static JsonObject item(ItemSpec s) {
    RasterInfo cog = s.cog();
    double[] bbox = cog.bbox4326();
    if (bbox == null) {
      throw new IllegalArgumentException("a COG without an EPSG:4326 extent cannot be catalogued");
    }
    JsonObject props = new JsonObject();
    if (s.platformProperties() != null) {
      props.mergeIn(s.platformProperties());
    }
    if (s.properties() != null) {
      props.mergeIn(s.properties());
    }
    props.put("datetime", s.datetime());
    props.put("proj:epsg", cog.epsg());
    if (cog.epsg() == null && cog.wkt() != null) {
      props.put("proj:wkt2", cog.wkt());
    }
    props.put("proj:shape", new JsonArray().add(cog.height()).add(cog.width()));
    double[] gt = cog.geoTransform();
    if (gt != null) {
      props.put(
          "proj:transform",
          new JsonArray().add(gt[1]).add(gt[2]).add(gt[0]).add(gt[4]).add(gt[5]).add(gt[3]));
    }
    if (cog.boundsNative() != null) {
      props.put("proj:bbox", StacDocuments.bboxArray(cog.boundsNative()));
    }
    props.put(StacCatalog.JOB_ID_PROPERTY, s.jobId());
    props.put(StacCatalog.JOB_TYPE_PROPERTY, s.jobType());
    JsonObject asset =
        new JsonObject()
            .put("href", s.href())
            .put("type", COG_MEDIA_TYPE)
            .put("title", "Cloud-Optimized GeoTIFF")
            .put("roles", new JsonArray().add("data"))
            .put("raster:bands", rasterBands(cog, s.sourceStats()));
    return new JsonObject()
        .put("type", "Feature")
        .put("stac_version", StacDocuments.STAC_VERSION)
        .put("stac_extensions", new JsonArray().add(PROJ_EXTENSION).add(RASTER_EXTENSION))
        .put("id", s.itemId())
        .put("collection", s.collectionId())
        .put("bbox", StacDocuments.bboxArray(bbox))
        .put("geometry", StacDocuments.bboxPolygon(bbox))
        .put("properties", props)
        .put("links", new JsonArray())
        .put("assets", new JsonObject().put("data", asset));
  }

  static JsonArray rasterBands(RasterInfo cog, RasterInfo stats) {
    JsonArray out = new JsonArray();
    List<BandInfo> statBands =
        stats != null && stats.bandCount() == cog.bandCount() ? stats.bands() : null;
    for (BandInfo b : cog.bands()) {
      JsonObject band = new JsonObject().put("data_type", GdalDataTypes.stacDataType(b.dataType()));
      if (b.nodata() != null) {
        band.put("nodata", BandInfo.nodataJson(b.nodata()));
      }
      BandInfo st = statBands == null ? null : statBands.get(b.index() - 1);
      if (st != null && st.minimum() != null && st.maximum() != null) {
        JsonObject stat =
            new JsonObject().put("minimum", st.minimum()).put("maximum", st.maximum());
        if (st.mean() != null) {
          stat.put("mean", st.mean());
        }
        if (st.stdDev() != null) {
          stat.put("stddev", st.stdDev());
        }
        band.put("statistics", stat);
      }
      out.add(band);
    }
    return out;
  }

  /**
   * A deterministic item id for a source blob: container and path, lower case, without the
   * extension, every other character a '-' (the same blob always yields the same item).
   */
  public static String defaultItemId(String container, String blob) {
    String path = blob;
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    if (dot > slash + 1) {
      path = path.substring(0, dot);
    }
    String id =
        (container + "-" + path)
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_.-]+", "-")
            .replaceAll("-{2,}", "-")
            .replaceAll("^-|-$", "");
    return id.length() > 200 ? id.substring(0, 200) : id;
  }

  /** The COG's blob name for a source: {@code {folder}/{stem}_cog.tif}. */
  public static String cogBlobName(String outputFolder, String sourceBlob) {
    int slash = sourceBlob.lastIndexOf('/');
    String base = sourceBlob.substring(slash + 1);
    int dot = base.lastIndexOf('.');
    String stem = dot > 0 ? base.substring(0, dot) : base;
    String folder =
        outputFolder == null || outputFolder.isBlank()
            ? (slash > 0 ? sourceBlob.substring(0, slash) : "")
            : outputFolder.replaceAll("^/+|/+$", "");
    return (folder.isEmpty() ? "" : folder + "/") + stem + "_cog.tif";
  }

  /** The sidecar next to a COG: {@code x_cog.tif} → {@code x_cog.stac.json}. */
  public static String sidecarName(String cogBlob) {
    String stem = cogBlob.endsWith(".tif") ? cogBlob.substring(0, cogBlob.length() - 4) : cogBlob;
    return stem + ".stac.json";
  }
}
