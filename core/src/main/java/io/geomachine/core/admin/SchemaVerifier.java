package io.geomachine.core.admin;

import io.geomachine.core.geo.TableMetadataRepository;
import io.geomachine.core.schema.AppSchema;
import io.geomachine.core.schema.AppSchemaGenerator;
import io.geomachine.core.schema.PgEnum;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of seed 000 step 6, made exact: what {@code app} must contain comes from the Java
 * model and the generator (not from counts typed into a document), and pgstac's version from the
 * one pinned setting. Every check runs even when an earlier one failed, so one report shows
 * everything that is wrong.
 */
final class SchemaVerifier {
  /** Which part of the database to check. */
  enum Scope {
    APP,
    PGSTAC,
    BOOTSTRAP
  }

  static final Set<Scope> ALL = EnumSet.allOf(Scope.class);
  static final String PROBE_JOB_ID = "verify-probe-no-such-job";
  static final List<String> PGSTAC_REQUIRED_TABLES =
      List.of(
          "collections",
          "items",
          "migrations",
          "partition_stats",
          "pgstac_settings",
          "queryables",
          "search_wheres",
          "searches");

  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final Pattern FUNCTION =
      Pattern.compile("CREATE OR REPLACE FUNCTION \"app\"\\.\"([A-Za-z0-9_]+)\"");

  private final CatalogRepository catalog = new CatalogRepository();
  private final StacCollectionRepository collections = new StacCollectionRepository();
  private final TableMetadataRepository metadata = new TableMetadataRepository();
  private final AdminSettings settings;

  SchemaVerifier(AdminSettings settings) {
    this.settings = settings;
  }

  static List<String> expectedAppTables() {
    return sorted(AppSchema.TABLES.stream().map(AppSchemaGenerator::tableName).toList());
  }

  static List<String> expectedAppEnums() {
    return sorted(
        AppSchema.ENUMS.stream().map(e -> e.getAnnotation(PgEnum.class).value()).toList());
  }

  static List<String> expectedAppFunctions() {
    Set<String> names = new TreeSet<>();
    for (String sql : new AppSchemaGenerator().statements()) {
      Matcher m = FUNCTION.matcher(sql);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return List.copyOf(names);
  }

  VerifyReport verify(SqlClient c, String database, Set<Scope> scopes) {
    List<VerifyReport.Check> checks = new ArrayList<>();
    if (scopes.contains(Scope.APP)) {
      checks.add(check("app_schema", true, () -> await(catalog.schemaExists(c, "app"))));
      checks.add(same("app_tables", expectedAppTables(), () -> await(catalog.tables(c, "app"))));
      checks.add(
          same("app_functions", expectedAppFunctions(), () -> await(catalog.functions(c, "app"))));
      checks.add(same("app_enums", expectedAppEnums(), () -> await(catalog.enums(c, "app"))));
      checks.add(check("app_check_job_completion_probe", probeExpected(), () -> probe(c)));
    }
    if (scopes.contains(Scope.PGSTAC)) {
      checks.add(check("pgstac_schema", true, () -> await(catalog.schemaExists(c, "pgstac"))));
      checks.add(pgstacTables(c));
      checks.add(
          check(
              "pgstac_version",
              settings.pgstacVersion(),
              () ->
                  await(
                      c.query("SELECT pgstac.get_version() AS v")
                          .execute()
                          .map(rs -> rs.iterator().next().getString("v")))));
      checks.add(
          same(
              "pgstac_roles",
              PgstacPrivileges.ROLES.stream().sorted().toList(),
              () -> await(catalog.existingRoles(c, PgstacPrivileges.ROLES))));
      checks.add(searchHash(c));
      checks.add(
          same(
              "system_collections",
              sorted(SystemCollections.IDS),
              () -> await(collections.existing(c, SystemCollections.IDS))));
      checks.add(readOnlyRole(c));
    }
    if (scopes.contains(Scope.BOOTSTRAP)) {
      checks.add(
          same(
              "geo_h3_schemas",
              List.of("geo", "h3"),
              () -> {
                List<String> present = new ArrayList<>();
                for (String s : List.of("geo", "h3")) {
                  if (await(catalog.schemaExists(c, s))) {
                    present.add(s);
                  }
                }
                return present;
              }));
      checks.add(check("geo_table_metadata", true, () -> await(metadata.exists(c))));
    }
    boolean passed = checks.stream().allMatch(VerifyReport.Check::passed);
    return new VerifyReport(database, passed, Instant.now().toString(), checks);
  }

  private VerifyReport.Check pgstacTables(SqlClient c) {
    try {
      List<String> tables = await(catalog.tables(c, "pgstac"));
      List<String> missing =
          PGSTAC_REQUIRED_TABLES.stream().filter(t -> !tables.contains(t)).toList();
      Map<String, Object> actual = new LinkedHashMap<>();
      actual.put("count", tables.size());
      actual.put("missing", missing);
      return new VerifyReport.Check(
          "pgstac_tables",
          missing.isEmpty(),
          Map.of("required", PGSTAC_REQUIRED_TABLES),
          actual,
          null);
    } catch (RuntimeException e) {
      return failed("pgstac_tables", Map.of("required", PGSTAC_REQUIRED_TABLES), e);
    }
  }

  /**
   * Seed 000 checks that {@code search_tohash} and {@code search_hash} exist, because registered
   * searches (TiTiler mosaics) need {@code searches.hash} to be computed. pgstac 0.9.11 removed
   * {@code search_tohash} and generates the column from {@code search_hash(search, metadata)}, so
   * the check is on what matters: that function exists and generates the column.
   */
  private VerifyReport.Check searchHash(SqlClient c) {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("search_hash", "present");
    expected.put("searches.hash", "GENERATED ALWAYS AS (pgstac.search_hash(...))");
    try {
      List<String> fns = await(catalog.functions(c, "pgstac"));
      String generated = await(catalog.generationExpression(c, "pgstac", "searches", "hash"));
      Map<String, Object> actual = new LinkedHashMap<>();
      actual.put("search_hash", fns.contains("search_hash") ? "present" : "missing");
      actual.put(
          "search_tohash",
          fns.contains("search_tohash") ? "present" : "absent (removed in pgstac 0.9.11)");
      actual.put("searches.hash", generated == null ? "not generated" : generated);
      boolean passed =
          fns.contains("search_hash") && generated != null && generated.contains("search_hash(");
      return new VerifyReport.Check("pgstac_search_hash", passed, expected, actual, null);
    } catch (RuntimeException e) {
      return failed("pgstac_search_hash", expected, e);
    }
  }

  private VerifyReport.Check readOnlyRole(SqlClient c) {
    if (!settings.hasReadOnlyRole()) {
      return new VerifyReport.Check(
          "read_only_role", true, "no read-only role configured", "nothing to check", null);
    }
    String expected = settings.readOnlyRole() + " is a member of pgstac_read";
    return check(
        "read_only_role",
        expected,
        () ->
            await(catalog.isMember(c, settings.readOnlyRole(), "pgstac_read"))
                ? expected
                : settings.readOnlyRole() + " is missing or not a member of pgstac_read");
  }

  static Map<String, Object> probeExpected() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_complete", false);
    m.put("final_stage", 0);
    m.put("total_tasks", 0L);
    m.put("completed_tasks", 0L);
    m.put("task_results", List.of());
    return m;
  }

  private static Map<String, Object> probe(SqlClient c) {
    Row r =
        await(
            c.preparedQuery("SELECT * FROM app.check_job_completion($1)")
                .execute(Tuple.of(PROBE_JOB_ID))
                .map(rs -> rs.iterator().next()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_complete", r.getBoolean("job_complete"));
    m.put("final_stage", r.getInteger("final_stage"));
    m.put("total_tasks", r.getLong("total_tasks"));
    m.put("completed_tasks", r.getLong("completed_tasks"));
    Object results = r.getValue("task_results");
    m.put("task_results", results instanceof JsonArray a ? a.getList() : results);
    return m;
  }

  private static VerifyReport.Check same(
      String name, List<String> expected, Callable<List<String>> actual) {
    return check(name, sorted(expected), () -> sorted(actual.call()));
  }

  private static VerifyReport.Check check(String name, Object expected, Callable<?> actual) {
    try {
      Object found = actual.call();
      return new VerifyReport.Check(name, expected.equals(found), expected, found, null);
    } catch (Exception e) {
      return failed(name, expected, e);
    }
  }

  private static VerifyReport.Check failed(String name, Object expected, Exception e) {
    return new VerifyReport.Check(name, false, expected, null, Steps.describe(e));
  }

  private static List<String> sorted(List<String> in) {
    return in.stream().sorted().toList();
  }

  static <T> T await(Uni<T> uni) {
    return uni.await().atMost(TIMEOUT);
  }
}
