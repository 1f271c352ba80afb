package io.geomachine.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 000 step 2, deployed verbatim, against the schema generated from the Java model: the
 * catalogs must be equal except for GeoMachine's documented additions.
 */
class AppSchemaCatalogTest {
  private static final String SEED_DDL = "/seed/000-app-ddl.sql";

  /**
   * Tables GeoMachine adds to the seed (listed in docs/architecture.md, "GeoMachine's additions"):
   * everything that belongs to them (columns, keys, checks, indexes, identity sequences) is an
   * expected addition.
   */
  private static final Set<String> ADDED_TABLES =
      Set.of("outbox", "stage_progress", "dead_letters", "job_artifacts");

  /** Other documented additions: present in the generated schema only. */
  private static final Set<String> ADDED_OBJECTS =
      Set.of(
          "index outbox.idx_outbox_destination_available",
          "column tasks.lease_expires_at",
          "column tasks.worker_id",
          "column tasks.attempts",
          "column tasks.next_attempt_at",
          "column tasks.published_at",
          "column jobs.published_at",
          "index tasks.idx_tasks_lease_expires_at",
          "constraint jobs.ck_jobs_stage_range",
          "constraint tasks.ck_tasks_stage_positive",
          "constraint tasks.ck_tasks_retry_count_non_negative",
          "function enforce_jobs_status_transition arguments",
          "function enforce_jobs_status_transition result",
          "function enforce_jobs_status_transition kind",
          "function enforce_tasks_status_transition arguments",
          "function enforce_tasks_status_transition result",
          "function enforce_tasks_status_transition kind",
          "trigger jobs.enforce_jobs_status_transition",
          "trigger tasks.enforce_tasks_status_transition");

  /** Documented changes to seed objects; any other change fails. */
  private static final Set<String> CHANGED_OBJECTS =
      Set.of(
          "enum job_status",
          "enum janitor_run_type",
          "function advance_job_stage arguments",
          "function complete_task_and_check_stage arguments");

  private static TestDatabase seedDb;
  private static TestDatabase generatedDb;
  private static CatalogSnapshot seed;
  private static CatalogSnapshot generated;

  @BeforeAll
  static void deployBoth() throws IOException {
    seedDb = TestDatabase.recreate("geomachine_test_core_catalog_seed", false);
    String ddl = seedDdl();
    Pool pool = seedDb.pool();
    // One multi-statement simple query, as psql would run the file. The seed sets search_path;
    // reset it so the connection goes back to the pool as it came.
    Sql.await(
        pool.withConnection(
            c -> c.query(ddl).execute().chain(() -> c.query("RESET search_path").execute())));
    seed = CatalogSnapshot.of(pool);

    generatedDb = TestDatabase.recreate("geomachine_test_core_catalog_generated");
    generated = CatalogSnapshot.of(generatedDb.pool());
  }

  @AfterAll
  static void close() {
    if (seedDb != null) {
      seedDb.close();
    }
    if (generatedDb != null) {
      generatedDb.close();
    }
  }

  private static boolean belongsToAddedTable(String key) {
    for (String t : ADDED_TABLES) {
      if (key.equals("relation " + t)
          || key.matches("relation " + t + "_\\w+_seq")
          || key.matches("(column|constraint|index|trigger) " + t + "\\.\\w+")) {
        return true;
      }
    }
    return false;
  }

  static String seedDdl() throws IOException {
    try (InputStream in = AppSchemaCatalogTest.class.getResourceAsStream(SEED_DDL)) {
      assertNotNull(in, SEED_DDL);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theSeedDeploysWhatTheIssueDescribes() {
    assertEquals(
        Set.of(
            "job_status",
            "task_status",
            "platform_request_status",
            "data_type",
            "janitor_run_type",
            "janitor_run_status"),
        seed.names("enum"));
    assertEquals(
        Set.of("relation jobs", "relation tasks", "relation api_requests", "relation janitor_runs"),
        new TreeSet<>(
            seed.entries().keySet().stream().filter(k -> k.startsWith("relation ")).toList()));
    assertEquals(
        14, seed.names("index").stream().filter(n -> !n.endsWith("_pkey")).count(), "indexes");
    assertEquals(
        Set.of(
            "complete_task_and_check_stage result",
            "advance_job_stage result",
            "check_job_completion result",
            "increment_task_retry_count result",
            "update_updated_at_column result"),
        new TreeSet<>(seed.names("function").stream().filter(n -> n.endsWith(" result")).toList()));
    assertEquals(
        Set.of("jobs.update_jobs_updated_at", "tasks.update_tasks_updated_at"),
        seed.names("trigger"));
  }

  @Test
  void generatedSchemaEqualsTheSeedExceptForTheDocumentedAdditions() {
    CatalogSnapshot.Diff diff = generated.diff(seed);
    Map<String, String> unexpected = new TreeMap<>();
    for (String k : diff.added()) {
      boolean documented = ADDED_OBJECTS.contains(k) || belongsToAddedTable(k);
      if (!documented) {
        unexpected.put("+ " + k, generated.get(k));
      }
    }
    diff.removed().forEach(k -> unexpected.put("- " + k, seed.get(k)));
    diff.changed().keySet().stream()
        .filter(k -> !CHANGED_OBJECTS.contains(k))
        .forEach(k -> unexpected.put("~ " + k, seed.get(k) + "  =>  " + generated.get(k)));
    assertTrue(
        unexpected.isEmpty(),
        "undocumented differences between seed 000 and the generated app schema: "
            + unexpected
            + "\nfull diff (seed -> generated):"
            + diff);
    for (String k : ADDED_OBJECTS) {
      assertTrue(diff.added().contains(k), "documented addition missing: " + k + diff);
    }
    for (String t : ADDED_TABLES) {
      assertTrue(diff.added().contains("relation " + t), "documented table missing: " + t);
    }
    assertTrue(diff.added().contains("relation outbox_id_seq"), diff.toString());
    assertTrue(diff.added().contains("index outbox.outbox_pkey"), diff.toString());
    assertEquals(
        "c: CHECK (((stage >= 1) AND (stage <= total_stages)))",
        generated.get("constraint jobs.ck_jobs_stage_range"));
    assertEquals(
        Set.of("available_at", "created_at", "destination", "id", "payload"),
        generated.names("column").stream()
            .filter(n -> n.startsWith("outbox."))
            .map(n -> n.substring("outbox.".length()))
            .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void enumsGainExactlyTheDocumentedLabels() {
    assertEquals(
        "queued,processing,completed,failed,completed_with_errors", seed.get("enum job_status"));
    assertEquals(seed.get("enum job_status") + ",cancelled", generated.get("enum job_status"));
    assertEquals(
        seed.get("enum janitor_run_type") + ",stale_jobs,blob_cleanup",
        generated.get("enum janitor_run_type"));
    for (String e :
        Set.of("task_status", "platform_request_status", "data_type", "janitor_run_status")) {
      assertEquals(seed.get("enum " + e), generated.get("enum " + e), e);
    }
  }

  @Test
  void advanceJobStageKeepsTheSeedSignatureAndAddsTwoDefaultedParameters() {
    String seedArgs = seed.get("function advance_job_stage arguments");
    String generatedArgs = generated.get("function advance_job_stage arguments");
    assertEquals(
        "p_job_id character varying, p_current_stage integer,"
            + " p_stage_results jsonb DEFAULT NULL::jsonb",
        seedArgs);
    assertTrue(generatedArgs.startsWith(seedArgs + ", "), generatedArgs);
    assertEquals(
        "p_final_status app.job_status DEFAULT 'completed'::app.job_status,"
            + " p_result_data jsonb DEFAULT NULL::jsonb",
        generatedArgs.substring(seedArgs.length() + 2));
    assertEquals(
        seed.get("function advance_job_stage result"),
        generated.get("function advance_job_stage result"));
  }

  @Test
  void completeTaskKeepsTheSeedSignatureAndAddsAnOptionalWorkerId() {
    String seedArgs = seed.get("function complete_task_and_check_stage arguments");
    String generatedArgs = generated.get("function complete_task_and_check_stage arguments");
    assertEquals(
        seedArgs + ", p_worker_id character varying DEFAULT NULL::character varying",
        generatedArgs);
  }

  @Test
  void theFiveSeedFunctionsHaveTheSeedResultColumns() {
    assertEquals(
        "TABLE(task_updated boolean, is_last_task_in_stage boolean, job_id character varying,"
            + " stage_number integer, remaining_tasks integer)",
        generated.get("function complete_task_and_check_stage result"));
    for (String f :
        Set.of(
            "complete_task_and_check_stage",
            "advance_job_stage",
            "check_job_completion",
            "increment_task_retry_count",
            "update_updated_at_column")) {
      assertNotNull(generated.get("function " + f + " result"), f);
      assertEquals(
          seed.get("function " + f + " result"), generated.get("function " + f + " result"), f);
      assertEquals(
          seed.get("function " + f + " kind"), generated.get("function " + f + " kind"), f);
    }
  }

  @Test
  void updatedAtTriggersAreTheSeedOnes() {
    for (String t : Set.of("jobs.update_jobs_updated_at", "tasks.update_tasks_updated_at")) {
      assertNotNull(generated.get("trigger " + t), t);
      assertEquals(seed.get("trigger " + t), generated.get("trigger " + t));
    }
  }

  @Test
  void checkJobCompletionOfAnUnknownJobIsEmptyInBothSchemas() {
    for (TestDatabase db : new TestDatabase[] {seedDb, generatedDb}) {
      Row r = Sql.row(db.pool(), "SELECT * FROM app.check_job_completion('test-job-id')");
      assertFalse(r.getBoolean("job_complete"), db.name());
      assertEquals(0, r.getInteger("final_stage"), db.name());
      assertEquals(0L, r.getLong("total_tasks"), db.name());
      assertEquals(0L, r.getLong("completed_tasks"), db.name());
      assertEquals(new JsonArray(), r.getValue("task_results"), db.name());
    }
  }
}
