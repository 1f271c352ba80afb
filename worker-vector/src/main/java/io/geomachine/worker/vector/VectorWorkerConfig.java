package io.geomachine.worker.vector;

import io.geomachine.core.config.OutboxConfig;
import io.geomachine.core.config.StorageConfig;
import io.geomachine.core.config.TaskRunConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The vector worker's settings; each is overridable by an environment variable. How many tasks run
 * at once is {@code smallrye.messaging.worker.task-runners.max-concurrency}.
 */
@ConfigMapping(prefix = "geomachine.worker")
public interface VectorWorkerConfig {
  OutboxConfig outbox();

  TaskRunConfig tasks();

  StorageConfig storage();

  /**
   * Where prepare keeps a task's local files (a folder per task, deleted when it ends); default:
   * the system temp folder. Needs room for the source file, its unzipped content (or, for a source
   * converted in parts, a copy of it) and a few compressed chunks.
   */
  Optional<String> workDir();

  VectorConfig vector();

  /** process_vector's load and publish settings ({@code geomachine.worker.vector.*}). */
  interface VectorConfig {
    /**
     * The JDBC URL chunk loads COPY through (the reactive client has no COPY); by default the
     * reactive datasource URL with {@code jdbc:} in front (application.properties).
     */
    String jdbcUrl();

    String jdbcUser();

    String jdbcPassword();

    /**
     * The JDBC {@code sslmode} (disable, allow, prefer, require, verify-ca, verify-full) unless the
     * URL names one; by default the reactive datasource's {@code ssl-mode}
     * (application.properties), so both kinds of connection are encrypted alike.
     */
    String jdbcSslMode();

    /**
     * The OGC API - Features service published tables are served by: STAC items link to {@code
     * {base}/collections/geo.<table>/items}.
     */
    @WithDefault("http://127.0.0.1:8090")
    String featuresBaseUrl();

    /**
     * How many ogr2ogr processes prepare runs at once on a source it can split at record boundaries
     * (CSV, GeoJSONSeq, a GeoJSON FeatureCollection); default: the available processors. 1 never
     * splits.
     */
    Optional<Integer> prepareParallelism();

    /**
     * How many connections publish uses at once to build a table's indexes and statistics, each
     * running its statements one after another, longest first; default: the available processors
     * (the builds are CPU-bound: more lanes than cores only contend). At least 1.
     */
    Optional<Integer> publishLanes();

    /**
     * How many chunk COPYs this worker runs at once (further load tasks wait for a turn, their
     * download already done); default: the available processors. PostgreSQL loads one table fastest
     * with about one COPY per core: 10 at once took 1.9-2.1 s for 1M points, 2 at once 1.6-1.7 s (2
     * cores). At least 1.
     */
    Optional<Integer> loadConcurrency();

    /**
     * Whether prepare writes chunks in PostgreSQL's COPY BINARY format when every column type
     * allows it (text, boolean, integers, floats, dates, timestamps, times; otherwise COPY text):
     * half the bytes for a geometry and no text parsing in PostgreSQL. {@code false} writes text
     * always.
     */
    @WithDefault("true")
    boolean binaryChunks();

    /** Sources smaller than this (bytes) are converted in one pass; default 8 MiB. */
    @WithDefault("8388608")
    long prepareSplitMinBytes();
  }
}
