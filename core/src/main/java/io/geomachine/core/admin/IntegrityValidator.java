package io.geomachine.core.admin;

import io.geomachine.core.geo.TableMetadataRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The validation pass of seed 004 step 5: five orphan checks that must all find nothing for a
 * rebuilt or restored database to be trusted. A check that cannot run (its table is missing) fails
 * with the reason.
 */
final class IntegrityValidator {
  static final String TASKS_WITHOUT_JOB = "tasks_without_job";
  static final String API_REQUESTS_WITHOUT_JOB = "api_requests_without_job";
  static final String STAC_ITEMS_WITHOUT_JOB = "stac_items_without_job";
  static final String GEO_TABLES_WITHOUT_METADATA = "geo_tables_without_metadata";
  static final String METADATA_WITHOUT_TABLE = "metadata_without_table";

  private final AppIntegrityRepository app = new AppIntegrityRepository();
  private final StacItemRepository items = new StacItemRepository();
  private final TableMetadataRepository metadata = new TableMetadataRepository();
  private final int samples;

  IntegrityValidator(int samples) {
    this.samples = samples;
  }

  ValidationReport validate(SqlClient c, String database) {
    List<ValidationReport.Orphans> checks = new ArrayList<>();
    checks.add(
        run(
            TASKS_WITHOUT_JOB,
            "app.tasks rows whose parent_job_id is not in app.jobs",
            n -> app.tasksWithoutJob(c, n)));
    checks.add(
        run(
            API_REQUESTS_WITHOUT_JOB,
            "app.api_requests rows whose job_id is not in app.jobs",
            n -> app.apiRequestsWithoutJob(c, n)));
    checks.add(
        run(
            STAC_ITEMS_WITHOUT_JOB,
            "pgstac.items whose properties->>'"
                + StacItemRepository.JOB_ID_PROPERTY
                + "' names no job in app.jobs (items without that property are not checked)",
            n -> items.withoutJob(c, n)));
    checks.add(
        run(
            GEO_TABLES_WITHOUT_METADATA,
            "tables in schema geo without a row in geo.table_metadata",
            n -> metadata.tablesWithoutMetadata(c, n).map(rs -> Findings.from(rs, "table_name"))));
    checks.add(
        run(
            METADATA_WITHOUT_TABLE,
            "geo.table_metadata rows whose table does not exist",
            n ->
                metadata
                    .metadataWithoutTable(c, n)
                    .map(rs -> Findings.from(rs, "schema_name", "table_name", "job_id"))));
    boolean trusted = checks.stream().allMatch(ValidationReport.Orphans::passed);
    return new ValidationReport(database, trusted, Instant.now().toString(), checks);
  }

  private ValidationReport.Orphans run(
      String name, String description, Function<Integer, Uni<Findings>> query) {
    try {
      Findings f = SchemaVerifier.await(query.apply(samples));
      return new ValidationReport.Orphans(
          name, description, f.total() == 0, f.total(), f.samples(), null);
    } catch (RuntimeException e) {
      return new ValidationReport.Orphans(
          name, description, false, -1, List.of(), "check could not run: " + Steps.describe(e));
    }
  }
}
