package io.geomachine.core.admin;

import static io.geomachine.core.admin.SchemaVerifier.await;

import io.geomachine.core.geo.TableMetadataRepository;
import io.geomachine.core.schema.AppSchemaGenerator;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The steps {@link SchemaAdmin}'s operations are made of. Each is idempotent (DROP IF EXISTS, the
 * idempotent app DDL, pypgstac's migration, CREATE IF NOT EXISTS, upserts), which is why running a
 * failed operation again converges. Each returns the detail its step report shows.
 */
final class AdminSteps {
  private final DbTarget target;
  private final AdminSettings settings;
  private final PgTools tools;
  private final Backups backups;
  private final SchemaVerifier verifier;
  private final CatalogRepository catalog = new CatalogRepository();
  private final StacCollectionRepository collections = new StacCollectionRepository();
  private final StacItemRepository items = new StacItemRepository();
  private final StacSearchRepository searches = new StacSearchRepository();
  private final TableMetadataRepository metadata = new TableMetadataRepository();

  AdminSteps(
      DbTarget target,
      AdminSettings settings,
      PgTools tools,
      Backups backups,
      SchemaVerifier verifier) {
    this.target = target;
    this.settings = settings;
    this.tools = tools;
    this.backups = backups;
    this.verifier = verifier;
  }

  /**
   * Checks what can be checked before anything changes: the tools exist, blob storage answers, and
   * nothing outside the schemas to drop depends on them (a CASCADE would drop it too).
   */
  Map<String, Object> preflight(
      SqlConnection s, boolean backup, boolean pypgstac, boolean restoreTools, List<String> drops) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (backup) {
      ExternalCommand.requireExecutable(settings.pgDump(), "pg_dump");
      ExternalCommand.requireExecutable(settings.pgRestore(), "pg_restore");
      backups.requireReachable();
      d.put("backup_container", backups.container());
    }
    if (pypgstac) {
      ExternalCommand.requireExecutable(settings.pypgstac(), "pypgstac");
      d.put("pypgstac", settings.pypgstac());
      d.put("pgstac_version", settings.pgstacVersion());
    }
    if (restoreTools) {
      ExternalCommand.requireExecutable(settings.pgRestore(), "pg_restore");
      ExternalCommand.requireExecutable(settings.psql(), "psql");
    }
    if (!drops.isEmpty()) {
      List<Map<String, Object>> deps = await(catalog.dependentsOutside(s, drops));
      if (!deps.isEmpty()) {
        throw new AdminException(
            deps.size()
                + " object(s) outside "
                + drops
                + " depend on them, and DROP SCHEMA ... CASCADE would drop or change them"
                + " (user data is never touched): remove those dependencies first",
            Map.of("dependents", deps),
            null);
      }
      d.put("dependents_outside", 0);
    }
    return d;
  }

  void backupStep(Steps steps, SqlConnection s, boolean backupFirst, Map<String, Object> result) {
    if (!backupFirst) {
      steps.skip("backup", "skipped on request (backup=false / --no-backup)");
      return;
    }
    steps.run(
        "backup",
        () -> {
          List<String> present = new ArrayList<>();
          for (String schema : SchemaAdmin.SCHEMAS) {
            if (await(catalog.schemaExists(s, schema))) {
              present.add(schema);
            }
          }
          if (present.isEmpty()) {
            throw new Steps.Skip("nothing to back up: neither app nor pgstac exists");
          }
          String version = null;
          if (present.contains("pgstac")) {
            version =
                await(
                    s.query("SELECT pgstac.get_version() AS v")
                        .execute()
                        .map(rs -> rs.iterator().next().getString("v"))
                        .onFailure()
                        .recoverWithItem((String) null));
          }
          Map<String, Object> b = AdminJson.toMap(backups.create(present, version));
          result.put("backup", b);
          return b;
        });
  }

  Map<String, Object> drop(SqlConnection s, String schema) {
    boolean existed = await(catalog.schemaExists(s, schema));
    await(catalog.dropSchema(s, schema));
    return Map.of("existed", existed);
  }

  Map<String, Object> recreateApp(SqlConnection s) {
    return inTransaction(
        s,
        c -> {
          await(catalog.dropSchema(c, "app"));
          return deployAppStatements(c);
        });
  }

  /** The generated app DDL, statement by statement, on the given connection. */
  static Map<String, Object> deployAppStatements(SqlConnection c) {
    List<String> statements = new AppSchemaGenerator().statements();
    for (String sql : statements) {
      await(c.query(sql).execute());
    }
    return Map.of("statements", statements.size());
  }

  void deployPgstacSteps(Steps steps, SqlConnection s) {
    steps.run(
        "deploy_pgstac",
        () -> {
          ExternalCommand.Result r = tools.migratePgstac();
          String version =
              await(
                  s.query("SELECT pgstac.get_version() AS v")
                      .execute()
                      .map(rs -> rs.iterator().next().getString("v")));
          if (!settings.pgstacVersion().equals(version)) {
            throw new AdminException(
                "pypgstac migrate finished but pgstac.get_version() is "
                    + version
                    + ", expected "
                    + settings.pgstacVersion());
          }
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("version", version);
          d.put("command_ms", r.durationMs());
          d.put("output", r.output().strip());
          return d;
        });
    steps.run("bootstrap_geo_h3", () -> bootstrap(s));
    steps.run("grant_read_role", () -> grantReadRole(s));
    steps.run(
        "system_collections",
        () -> {
          for (JsonObject c : SystemCollections.all()) {
            await(collections.upsert(s, c));
          }
          return Map.of("collections", SystemCollections.IDS);
        });
  }

  Map<String, Object> bootstrap(SqlConnection s) {
    return Map.of("table_metadata_created", await(metadata.bootstrap(s)));
  }

  Map<String, Object> grantReadRole(SqlConnection s) {
    if (!settings.hasReadOnlyRole()) {
      throw new Steps.Skip("no read-only role configured");
    }
    String role = settings.readOnlyRole();
    boolean exists = !await(catalog.existingRoles(s, List.of(role))).isEmpty();
    if (!exists && !settings.createReadOnlyRole()) {
      throw new AdminException(
          "the read-only role "
              + role
              + " does not exist; create it (in production: the reader identity's role) or set"
              + " geomachine.admin.create-read-only-role=true");
    }
    if (!exists) {
      await(catalog.createRoleIfMissing(s, role));
    }
    await(catalog.grantRole(s, "pgstac_read", role));
    return Map.of("role", role, "granted", "pgstac_read", "role_created", !exists);
  }

  Map<String, Object> deleteStac(SqlConnection c, NukeMode mode, Map<String, Object> result) {
    Map<String, Object> d = new LinkedHashMap<>();
    // pgstac's triggers name its tables unqualified, as its own roles' search_path allows
    await(c.query("SET LOCAL search_path TO pgstac, public").execute());
    d.put("items_deleted", await(items.deleteAll(c)));
    d.put("cached_items_deleted", await(searches.clearItemCache(c)));
    if (mode != NukeMode.ITEMS) {
      List<String> keep = mode == NukeMode.ALL ? List.of() : SystemCollections.IDS;
      d.put("collections_deleted", await(collections.deleteAllExcept(c, keep)));
    }
    if (mode == NukeMode.ALL) {
      d.put("searches_deleted", await(searches.clearSearches(c)));
      for (JsonObject col : SystemCollections.all()) {
        await(collections.upsert(c, col));
      }
      d.put("system_collections_recreated", SystemCollections.IDS);
    }
    result.putAll(d);
    return d;
  }

  Map<String, Object> restoreArchive(Path dump) throws IOException {
    Path script = Files.createTempFile("geomachine-restore-", ".sql");
    Path fixed = Files.createTempFile("geomachine-restore-", ".sql");
    try {
      tools.restoreScript(dump, script, null, false);
      int rewrites = PgTools.withPgstacSearchPath(script, fixed);
      ExternalCommand.Result r = tools.psql(fixed, true);
      return Map.of(
          "script_bytes",
          Files.size(fixed),
          "search_path_rewrites",
          rewrites,
          "psql_ms",
          r.durationMs());
    } finally {
      PgstacPrivileges.deleteQuietly(script);
      PgstacPrivileges.deleteQuietly(fixed);
    }
  }

  Map<String, Object> verifyStep(
      SqlConnection s, Set<SchemaVerifier.Scope> scopes, Map<String, Object> result) {
    VerifyReport v = verifier.verify(s, target.database(), scopes);
    Map<String, Object> report = AdminJson.toMap(v);
    result.put("verify", report);
    if (!v.passed()) {
      throw new AdminException("verify failed: " + v.failed(), Map.of("failed", v.failed()), null);
    }
    return Map.of("passed", true, "checks", v.checks().size());
  }

  Map<String, Object> untouched(SqlConnection s, String before) {
    String after = await(catalog.userSchemasFingerprint(s));
    if (!after.equals(before)) {
      throw new AdminException("the structure of geo/h3 changed: " + before + " -> " + after);
    }
    return Map.of("geo_h3_fingerprint", after);
  }

  /** Runs blocking work on the session inside one transaction: all of it or none of it. */
  static <T> T inTransaction(SqlConnection s, Function<SqlConnection, T> work) {
    Transaction tx = await(s.begin());
    try {
      T out = work.apply(s);
      await(tx.commit());
      return out;
    } catch (RuntimeException e) {
      try {
        await(tx.rollback());
      } catch (RuntimeException ignored) {
        // already rolled back by the failed statement
      }
      throw e;
    }
  }
}
