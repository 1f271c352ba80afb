package io.geomachine.core.model;

import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Index;
import io.geomachine.core.schema.Table;
import java.time.LocalDateTime;

/**
 * GeoMachine's addition to the seed schema: a blob prefix a job wrote intermediate files under
 * (vector chunks, raster tiles, tiling schemes). A handler records the prefix before it writes the
 * first file there, so whatever happens next, cleanup deletes by what was recorded and never by
 * guessing. The job removes its own intermediates when it succeeds; the janitor removes those of
 * failed and cancelled jobs.
 */
@Table("job_artifacts")
@Index(name = "idx_job_artifacts_open", columns = "job_id", where = "removed_at IS NULL")
public record JobArtifact(
    @Column(
            type = "VARCHAR(64)",
            primaryKey = true,
            referencesTable = "jobs",
            referencesColumn = "job_id")
        String jobId,
    @Column(type = "VARCHAR(63)", primaryKey = true) String container,
    /** A blob-name prefix that ends with '/' (never a whole container). */
    @Column(type = "VARCHAR(1024)", primaryKey = true) String prefix,
    /** What lives there, for operators: e.g. {@code vector_chunks}, {@code raster_tiles}. */
    @Column(type = "VARCHAR(50)") String kind,
    @Column(defaultValue = "NOW()") LocalDateTime recordedAt,
    /** When the prefix was emptied; null while files may remain. */
    @Column(nullable = true) LocalDateTime removedAt) {}
