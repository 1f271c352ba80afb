package io.geomachine.core.job.vector;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads a vector file from blob storage into a PostGIS table in the {@code geo} schema, with a STAC
 * item describing it. Stage 1 {@code prepare} normalises the file into chunk files and a {@link
 * VectorManifest}; stage 2 {@code load} copies each chunk (one task per chunk, task index = chunk
 * index; parameters {@code manifest} without its chunk list and {@code chunk}); stage 3 {@code
 * publish} (fan-in: job parameters plus {@code inputs}, the load results; it reads the full
 * manifest from {@link VectorManifest#blobName}) publishes the table, its metadata row and the STAC
 * item. Parameter names follow the original system's; see docs/vector.md.
 */
public final class ProcessVectorJob implements JobDefinition {
  public static final String TYPE = "process_vector";
  public static final String PREPARE_TASK = "vector_prepare";
  public static final String LOAD_TASK = "vector_load_chunk";
  public static final String PUBLISH_TASK = "vector_publish";

  public static final int DEFAULT_CHUNK_SIZE = 100_000;

  private final ParameterSchema parameters =
      ParameterSchema.builder()
          .string("container_name")
          .required()
          .pattern("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")
          .doc("the blob container holding the source file (bronze)")
          .add()
          .string("blob_name")
          .required()
          .pattern("[^\\x00-\\x1f]{1,1024}")
          .doc("the source file's blob name; a shapefile's .dbf/.shx/.prj siblings are read too")
          .add()
          .string("file_extension")
          .check(VectorParameters::checkFileExtension)
          .doc(
              "the format, when the blob name's extension does not say it: "
                  + String.join(", ", VectorParameters.EXTENSIONS))
          .add()
          .string("table_name")
          .required()
          .pattern(VectorParameters.TABLE_NAME)
          .check(VectorParameters::checkTableName)
          .doc("the target table in schema geo: [a-z_][a-z0-9_]*, at most 63 bytes")
          .add()
          .string("schema")
          .def("geo")
          .allowed("geo")
          .doc("the target schema; only geo")
          .add()
          .integer("chunk_size")
          .min(10)
          .max(1_000_000)
          .def(DEFAULT_CHUNK_SIZE)
          .doc("rows per chunk (one load task each)")
          .add()
          .object("converter_params")
          .def(new JsonObject())
          .check(VectorParameters::checkConverterParams)
          .doc(
              "how to read the file: lat_name + lon_name or wkt_column (CSV), layer_name (GPKG,"
                  + " FGDB, GML, KML: default the first layer), shp_name (the .shp inside a zip),"
                  + " kml_name (the .kml inside a KMZ)")
          .add()
          .object("geometry_params")
          .def(new JsonObject())
          .check(VectorParameters::checkGeometryParams)
          .doc("keep_z, keep_m (booleans, default false): keep Z / M coordinates the source has")
          .add()
          .list("indexes")
          .def(new JsonArray())
          .check(VectorParameters::checkIndexes)
          .doc(
              "attribute indexes: [{\"columns\": [\"name\"], \"type\": \"btree\"|\"brin\"|\"hash\"}];"
                  + " columns by target (cleaned) or source name")
          .add()
          .bool("overwrite")
          .def(false)
          .doc("replace an existing table (atomically); otherwise an existing table fails")
          .add()
          .bool("arcgis_mode")
          .def(false)
          .doc("geometry column 'shape' instead of 'geom' (ArcGIS Enterprise)")
          .add()
          .string("source_crs")
          .pattern(VectorParameters.CRS)
          .doc("the CRS of a layer that declares none, e.g. EPSG:32633 (CSV default: EPSG:4326)")
          .add()
          .string("collection_id")
          .def("system-vectors")
          .pattern(VectorParameters.STAC_ID)
          .doc("the STAC collection of the table's item")
          .add()
          .string("item_id")
          .pattern(VectorParameters.STAC_ID)
          .doc("the STAC item id (default: the table name)")
          .add()
          .string("mixed_geometry")
          .def(VectorParameters.MIXED_PROMOTE)
          .allowed(VectorParameters.MIXED_PROMOTE, VectorParameters.MIXED_GEOMETRY)
          .doc(
              "promote: single types become multi (POINT+MULTIPOINT -> MULTIPOINT), other mixes fail"
                  + " MIXED_GEOMETRY_TYPES; geometry: any mix, column type GEOMETRY")
          .add()
          .bool("rename_colliding_columns")
          .def(false)
          .doc(
              "a source column named like a standard column (objectid, geom, ...) gets the suffix"
                  + " _src instead of failing COLUMN_NAME_COLLISION")
          .add()
          .build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Loads a vector file (CSV, GeoJSON, GeoPackage, KML/KMZ, Shapefile, FlatGeobuf, GML,"
        + " File Geodatabase) into a clean PostGIS table in schema geo, with a STAC item.";
  }

  @Override
  public ParameterSchema parameters() {
    return parameters;
  }

  @Override
  public List<StageDefinition> stages() {
    return List.of(
        StageDefinition.single(
            "prepare",
            PREPARE_TASK,
            TaskQueue.VECTOR,
            ctx -> List.of(new TaskSpec("0", ctx.jobParameters().copy()))),
        StageDefinition.fanOut("load", LOAD_TASK, TaskQueue.VECTOR, ProcessVectorJob::loadTasks),
        StageDefinition.fanIn("publish", PUBLISH_TASK, TaskQueue.VECTOR));
  }

  /** One load task per chunk of the prepare result, indexed by the chunk index. */
  private static List<TaskSpec> loadTasks(StageContext ctx) {
    VectorManifest manifest = manifestOf(ctx.previousResults());
    JsonObject shared = manifest.withoutChunks().toJson();
    List<TaskSpec> tasks = new ArrayList<>(manifest.chunks().size());
    for (VectorManifest.Chunk chunk : manifest.chunks()) {
      tasks.add(
          new TaskSpec(
              String.valueOf(chunk.index()),
              new JsonObject().put("manifest", shared).put("chunk", chunk.toJson())));
    }
    return tasks;
  }

  private static VectorManifest manifestOf(List<TaskResult> prepareResults) {
    if (prepareResults.size() != 1 || prepareResults.get(0).result() == null) {
      throw new IllegalStateException("process_vector: prepare must produce exactly one result");
    }
    return VectorManifest.fromJson(prepareResults.get(0).result().getJsonObject("manifest"));
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    JsonObject out = new JsonObject();
    List<TaskResult> prepared = byStage.getOrDefault(1, List.of());
    if (prepared.size() == 1 && prepared.get(0).result() != null) {
      VectorManifest m = manifestOf(prepared);
      out.put("table", m.targetSchema() + "." + m.targetTable())
          .put("geometry_column", m.geometryColumn())
          .put("geometry_type", m.geometryType())
          .put("feature_count", m.featureCount())
          .put("dropped_null_geometries", m.droppedNullGeometries())
          .put("chunks", m.chunks().size())
          .put("source_file", m.sourceFile())
          .put("source_format", m.sourceFormat())
          .put("source_crs", m.sourceCrs())
          .put("collection_id", m.collectionId())
          .put("item_id", m.itemId());
    }
    List<TaskResult> published = byStage.getOrDefault(3, List.of());
    if (published.size() == 1 && published.get(0).result() != null) {
      // repaired at publish (in PostgreSQL); absent when publish re-ran after the swap
      JsonObject publish = published.get(0).result();
      out.put("repaired_geometries", publish.getLong("repaired_geometries"));
      out.put("publish", publish);
    }
    return out;
  }
}
