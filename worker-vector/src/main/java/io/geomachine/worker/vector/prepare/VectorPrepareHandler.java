package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.ProcessVectorJob;
import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.job.vector.VectorParameters;
import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Stage 1 of {@code process_vector}: reads the source file, normalises it in one ogr2ogr pass and
 * writes COPY-format chunks plus the {@link VectorManifest} to the temp container. Everything local
 * lives in one working folder that is deleted afterwards; on failure the chunks written so far are
 * deleted too (and the recorded prefix lets the janitor finish the job if this process dies).
 */
public final class VectorPrepareHandler implements TaskHandler {
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration OGR_TIMEOUT = Duration.ofHours(4);

  /** Below this size a source is converted in one pass (splitting costs more than it saves). */
  public static final long DEFAULT_SPLIT_MIN_BYTES = 8L << 20;

  private final Pool pool;
  private final BlobStore store;
  private final String tempContainer;
  private final Path workRoot;
  private final int parallelism;
  private final long splitMinBytes;
  private final boolean binaryChunks;
  private final JobArtifactRepository artifacts = new JobArtifactRepository();

  public VectorPrepareHandler(Pool pool, BlobStore store, String tempContainer, Path workRoot) {
    this(
        pool,
        store,
        tempContainer,
        workRoot,
        Runtime.getRuntime().availableProcessors(),
        DEFAULT_SPLIT_MIN_BYTES,
        true);
  }

  /**
   * @param parallelism how many ogr2ogr processes convert a splittable source (CSV, GeoJSONSeq) at
   *     once; 1 never splits
   * @param splitMinBytes smaller sources are converted in one pass
   * @param binaryChunks chunks in COPY BINARY when every column type allows it, else COPY text
   */
  public VectorPrepareHandler(
      Pool pool,
      BlobStore store,
      String tempContainer,
      Path workRoot,
      int parallelism,
      long splitMinBytes,
      boolean binaryChunks) {
    this.pool = pool;
    this.store = store;
    this.tempContainer = tempContainer;
    this.workRoot = workRoot;
    this.parallelism = parallelism;
    this.splitMinBytes = splitMinBytes;
    this.binaryChunks = binaryChunks;
  }

  @Override
  public String taskType() {
    return ProcessVectorJob.PREPARE_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    JsonObject p = input.parameters();
    String container = p.getString("container_name");
    String blob = p.getString("blob_name");
    String display = container + "/" + blob;
    SourceFormat format = SourceFormat.detect(blob, p.getString("file_extension"));
    String table = p.getString("table_name");
    boolean overwrite = p.getBoolean("overwrite", false);
    if (!overwrite && tableExists(p.getString("schema", "geo"), table)) {
      throw TaskFailure.permanent(
          "TABLE_EXISTS",
          "table geo." + table + " exists already; submit with overwrite=true to replace it");
    }
    Files.createDirectories(workRoot);
    Path dir = Files.createTempDirectory(workRoot, "vector-prepare-");
    boolean wroteChunks = false;
    SourceProbe.Probed probed = null;
    try {
      JsonObject converter = p.getJsonObject("converter_params", new JsonObject());
      long started = System.nanoTime();
      SourceFiles.LocalSource source =
          SourceFiles.fetch(store, container, blob, format, converter, dir);
      long fetched = System.nanoTime();
      int chunkSize = p.getInteger("chunk_size", ProcessVectorJob.DEFAULT_CHUNK_SIZE);
      probed =
          SourceProbe.probe(source, converter, chunkSize, parallelism, splitMinBytes, dir, display);
      long probedAt = System.nanoTime();
      LayerProbe probe = probed.probe();
      if (!probe.hasFeatures()) {
        throw TaskFailure.permanent(
            "EMPTY_LAYER", display + ": layer '" + probe.layer() + "' has no features");
      }
      String declaredCrs = p.getString("source_crs");
      String assumedCrs = null;
      if (!probe.hasCrs()) {
        assumedCrs = declaredCrs != null ? declaredCrs : csvDefaultCrs(format);
        if (assumedCrs == null) {
          throw TaskFailure.permanent(
              "CRS_MISSING",
              display
                  + ": layer '"
                  + probe.layer()
                  + "' declares no coordinate reference system (a shapefile without .prj?);"
                  + " submit with source_crs, e.g. EPSG:4326");
        }
      }
      boolean arcgis = p.getBoolean("arcgis_mode", false);
      String geometryColumn = VectorParameters.geometryColumn(arcgis);
      List<VectorManifest.Column> columns =
          columns(probe, geometryColumn, p.getBoolean("rename_colliding_columns", false));
      JsonArray indexes = IndexSpecs.resolve(p.getJsonArray("indexes", new JsonArray()), columns);
      JsonObject geometryParams = p.getJsonObject("geometry_params", new JsonObject());
      boolean keepZ = geometryParams.getBoolean("keep_z", false) && probe.hasZ();
      boolean keepM = geometryParams.getBoolean("keep_m", false) && probe.hasM();
      Normalisation normalisation =
          new Normalisation(
              source.dataset(),
              probe.layer(),
              source.openOptions(),
              probe,
              assumedCrs,
              keepZ,
              keepM,
              null);
      String jobId = input.jobId();
      String prefix = VectorManifest.prefix(jobId);
      store.ensureContainer(tempContainer);
      artifacts
          .record(pool, jobId, tempContainer, prefix, VectorManifest.ARTIFACT_KIND)
          .await()
          .atMost(DB_TIMEOUT);
      wroteChunks = true;
      store.deletePrefix(tempContainer, prefix); // a previous attempt's chunks
      RowEncoding encoding = RowEncoding.forColumns(columns, binaryChunks);
      List<VectorManifest.Chunk> chunks = new ArrayList<>();
      long convertStarted = System.nanoTime();
      Converted converted =
          convert(source, probed, normalisation, encoding, chunkSize, jobId, dir, display, chunks);
      long convertedAt = System.nanoTime();
      CopyChunker.Result split = converted.rows();
      if (split.rows() == 0) {
        throw TaskFailure.permanent(
            "EMPTY_LAYER",
            display + ": no feature of layer '" + probe.layer() + "' has a geometry");
      }
      String geometryType =
          GeometryTypes.postgisType(
              split.baseTypes(),
              split.anyZ(),
              split.anyM(),
              p.getString("mixed_geometry", VectorParameters.MIXED_PROMOTE),
              display);
      VectorManifest manifest =
          new VectorManifest(
              jobId,
              display,
              probe.driver(),
              probe.hasCrs() ? crsLabel(probe) : assumedCrs.toUpperCase(java.util.Locale.ROOT),
              "geo",
              table,
              VectorManifest.stagingTableName(jobId),
              geometryColumn,
              geometryType,
              4326,
              GeometryTypes.coordDimension(split.anyZ(), split.anyM()),
              columns,
              split.rows(),
              split.droppedNullOrEmpty(),
              chunks,
              overwrite,
              arcgis,
              indexes,
              p.getString("collection_id", "system-vectors"),
              p.getString("item_id") != null ? p.getString("item_id") : table);
      store.uploadBytes(
          tempContainer,
          VectorManifest.blobName(jobId),
          manifest.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8),
          "application/json");
      return new JsonObject()
          .put("manifest", manifest.toJson())
          .put("conversion_parts", converted.parts())
          .put("probed_in_parts", probed.parts() != null)
          // the source (or each part) opened once, by the process that probed it
          .put("parts_opened_once", converted.byProbes())
          // where the stage's time went, for operators and benchmarks (docs/benchmarks.md)
          .put(
              "timings_ms",
              new JsonObject()
                  .put("fetch", (fetched - started) / 1_000_000)
                  .put("probe", (probedAt - fetched) / 1_000_000)
                  .put("convert_and_upload", (convertedAt - convertStarted) / 1_000_000)
                  .put("total", (System.nanoTime() - started) / 1_000_000));
    } catch (Exception e) {
      if (wroteChunks) {
        try {
          store.deletePrefix(tempContainer, VectorManifest.prefix(input.jobId()));
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup); // the janitor removes the recorded prefix later
        }
      }
      throw e;
    } finally {
      if (probed != null && probed.sessions() != null) {
        probed.sessions().close();
      }
      deleteTree(dir);
    }
  }

  /**
   * Runs the normalisation into chunks: the parts of a split source at once when it splits, else
   * (or when the parts do not line up with their chunk ranges) in one pass. Fills {@code chunks}.
   */
  /** What the conversion saw, and how many ogr2ogr processes (parts) it took. */
  private record Converted(CopyChunker.Result rows, int parts, boolean byProbes) {}

  private Converted convert(
      SourceFiles.LocalSource source,
      SourceProbe.Probed probed,
      Normalisation normalisation,
      RowEncoding encoding,
      int chunkSize,
      String jobId,
      Path dir,
      String display,
      List<VectorManifest.Chunk> chunks)
      throws Exception {
    SourceSplit.Plan plan =
        probed.parts() != null
            ? probed.parts()
            : SourceSplit.plan(source, probed.probe(), parallelism, splitMinBytes, chunkSize, dir);
    PartSessions partSessions = probed.partSessions();
    if (plan != null) {
      ChunkUploads uploads = new ChunkUploads(store, tempContainer, jobId, encoding.format());
      try {
        PartConversions.Settings settings =
            partSessions != null
                ? new PartConversions.Settings(
                    normalisation,
                    encoding,
                    chunkSize,
                    uploads,
                    OGR_TIMEOUT,
                    partSessions.converter(normalisation, OGR_TIMEOUT))
                : new PartConversions.Settings(
                    normalisation, encoding, chunkSize, uploads, OGR_TIMEOUT);
        List<PartConversions.PartResult> parts = PartConversions.run(plan, settings);
        for (PartConversions.PartResult part : parts) {
          if (!part.process().ok()) {
            throw ogrFailure(part.process(), display);
          }
        }
        chunks.addAll(uploads.finish());
        return new Converted(
            PartConversions.merge(parts, plan.nullRowsPerPart()),
            parts.size(),
            partSessions != null);
      } catch (PartConversions.Misaligned e) {
        store.deletePrefix(tempContainer, VectorManifest.prefix(jobId));
      }
    }
    ChunkUploads uploads = new ChunkUploads(store, tempContainer, jobId, encoding.format());
    // GDAL writes the dump into a pipe; chunks are cut and stored while it works. The session that
    // probed the whole file converts it (opened once; it waited while a split was tried); when the
    // parts were probed instead and their split fell back, an ogr2ogr does.
    Path pipe = dir.resolve("dump.pipe");
    PartSessions whole = probed.wholeSession();
    OgrPipe.Tool gdal =
        whole != null
            ? () -> whole.translate(0, normalisation.translateOrder(pipe), OGR_TIMEOUT)
            : () -> ProcessRunner.run(normalisation.command(pipe), Map.of(), OGR_TIMEOUT, null);
    OgrPipe.Outcome<CopyChunker.Result> outcome =
        OgrPipe.run(gdal, pipe, in -> new CopyChunker(encoding, chunkSize, uploads).split(in));
    if (!outcome.process().ok()) {
      throw ogrFailure(outcome.process(), display);
    }
    chunks.addAll(uploads.finish());
    return new Converted(outcome.value(), 1, whole != null);
  }

  /** A CSV's coordinates are WGS 84 longitude/latitude unless source_crs says otherwise. */
  private static String csvDefaultCrs(SourceFormat format) {
    return format == SourceFormat.CSV ? "EPSG:4326" : null;
  }

  /** The CRS for the source_crs column (VARCHAR(50)): its authority code, else its name. */
  private static String crsLabel(LayerProbe probe) {
    String label = probe.crsId() != null ? probe.crsId() : probe.crsName();
    return label.length() > 50 ? label.substring(0, 50) : label;
  }

  static List<VectorManifest.Column> columns(
      LayerProbe probe, String geometryColumn, boolean renameColliding) throws TaskFailure {
    List<String> names =
        ColumnNames.cleanAll(
            probe.fields().stream().map(LayerProbe.Field::name).toList(),
            geometryColumn,
            renameColliding);
    List<VectorManifest.Column> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      LayerProbe.Field f = probe.fields().get(i);
      columns.add(
          new VectorManifest.Column(names.get(i), f.name(), PgTypes.of(f.type(), f.subtype())));
    }
    return columns;
  }

  private static TaskFailure ogrFailure(ProcessRunner.Result r, String display) {
    String out = r.output();
    if (r.timedOut()) {
      return new TaskFailure("OGR_TIMEOUT", display + ": " + r.describeFailure(), true);
    }
    if (out.contains("Failed to reproject") || out.contains("Failed to transform")) {
      return TaskFailure.permanent(
          "REPROJECTION_FAILED",
          display
              + ": coordinates cannot be transformed to EPSG:4326 (is the CRS right?): "
              + r.describeFailure());
    }
    if (out.contains("whereas") && out.contains("is expected")) {
      return TaskFailure.permanent(
          "MIXED_GEOMETRY_TYPES",
          display
              + ": a feature's geometry does not fit the layer's declared type: "
              + r.describeFailure());
    }
    return TaskFailure.permanent("FILE_UNREADABLE", display + ": " + r.describeFailure());
  }

  private boolean tableExists(String schema, String table) {
    return pool.preparedQuery(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2)")
        .execute(Tuple.of(schema, table))
        .await()
        .atMost(DB_TIMEOUT)
        .iterator()
        .next()
        .getBoolean(0);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
