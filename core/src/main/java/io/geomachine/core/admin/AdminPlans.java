package io.geomachine.core.admin;

import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plans of the destructive operations: what each would do, in order, and what is there now to
 * be lost. A plan is computed without the lock and changes nothing; when the database cannot be
 * read, the plan still lists the actions and says why the counts are missing.
 */
final class AdminPlans {
  static final List<String> UNTOUCHED =
      List.of("geo (user data: never dropped or altered)", "h3 (bootstrap data)", "public");

  private final Pool pool;
  private final String database;
  private final AdminSettings settings;
  private final CatalogRepository catalog = new CatalogRepository();

  AdminPlans(Pool pool, String database, AdminSettings settings) {
    this.pool = pool;
    this.database = database;
    this.settings = settings;
  }

  Plan redeployApp(boolean backup) {
    List<String> a = new ArrayList<>();
    backup(a, backup);
    a.add(
        "in one transaction: DROP SCHEMA app CASCADE, then deploy app from the Java model ("
            + new io.geomachine.core.schema.AppSchemaGenerator().statements().size()
            + " statements)");
    a.add("verify app");
    return plan(AdminOperation.REDEPLOY_APP, a, List.of("app"));
  }

  Plan redeployPgstac(boolean backup) {
    List<String> a = new ArrayList<>();
    backup(a, backup);
    a.add("DROP SCHEMA pgstac CASCADE (all collections, items and registered searches)");
    pgstacDeploy(a);
    a.add("verify pgstac");
    return plan(AdminOperation.REDEPLOY_PGSTAC, a, List.of("pgstac"));
  }

  Plan fullRebuild(boolean backup) {
    List<String> a = new ArrayList<>();
    backup(a, backup);
    a.add("DROP SCHEMA app CASCADE (all jobs, tasks, api requests, janitor runs, outbox)");
    a.add("DROP SCHEMA pgstac CASCADE (all collections, items and registered searches)");
    a.add("deploy app from the Java model");
    pgstacDeploy(a);
    a.add("verify app, pgstac, geo/h3 bootstrap; check geo and h3 are unchanged");
    return plan(AdminOperation.FULL_REBUILD, a, List.of("app", "pgstac"));
  }

  Plan nuke(NukeMode mode, boolean backup) {
    List<String> a = new ArrayList<>();
    backup(a, backup);
    a.add("DELETE FROM pgstac.items (every item of every collection) and the formatted-item cache");
    if (mode == NukeMode.COLLECTIONS) {
      a.add("delete every collection except " + SystemCollections.IDS);
    } else if (mode == NukeMode.ALL) {
      a.add("delete every collection, system collections included, and the registered searches");
      a.add("recreate the system collections " + SystemCollections.IDS + " (empty)");
    }
    a.add("keep the pgstac schema");
    return plan(AdminOperation.STAC_NUKE, a, List.of("pgstac"));
  }

  Plan restore(BackupInfo backup, boolean backupFirst) {
    List<String> a = new ArrayList<>();
    a.add(
        "download "
            + backup.container()
            + "/"
            + backup.name()
            + " ("
            + backup.sizeBytes()
            + " bytes, database "
            + backup.database()
            + ", taken "
            + backup.createdAt()
            + ") and check its SHA-256 and table of contents");
    backup(a, backupFirst);
    a.add("DROP SCHEMA app CASCADE; DROP SCHEMA pgstac CASCADE");
    a.add("restore schemas " + backup.schemas() + " with --no-owner --no-privileges, atomically");
    a.add("give pgstac back to pgstac_admin and replay the backup's pgstac grants");
    a.add("verify, then the validation pass (orphan checks)");
    return plan(AdminOperation.RESTORE, a, List.of("app", "pgstac"));
  }

  private void backup(List<String> actions, boolean backup) {
    actions.add(
        backup
            ? "back up app + pgstac (pg_dump) to blob container '"
                + settings.backupContainer()
                + "' (append-only)"
            : "NO backup first (backup=false was given)");
  }

  private void pgstacDeploy(List<String> a) {
    a.add(settings.pypgstac() + " migrate --toversion " + settings.pgstacVersion());
    a.add(
        "create schemas geo, geo_staging and h3 and table geo.table_metadata if missing (adding missing columns)");
    if (settings.hasReadOnlyRole()) {
      a.add("GRANT pgstac_read TO " + settings.readOnlyRole());
    }
    a.add("upsert system collections " + SystemCollections.IDS);
  }

  private Plan plan(AdminOperation op, List<String> actions, List<String> schemas) {
    return new Plan(
        op.wireName(),
        op.destructive(),
        database,
        actions,
        UNTOUCHED,
        current(schemas),
        "confirm=yes (HTTP) or --confirm (./platform dbadmin)");
  }

  private Map<String, Object> current(List<String> schemas) {
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      for (String schema : schemas) {
        Map<String, Object> s = new LinkedHashMap<>();
        boolean exists = SchemaVerifier.await(catalog.schemaExists(pool, schema));
        s.put("exists", exists);
        if (exists) {
          List<String> tables = SchemaVerifier.await(catalog.tables(pool, schema));
          List<String> counted =
              schema.equals("app")
                  ? tables.stream().filter(SchemaVerifier.expectedAppTables()::contains).toList()
                  : tables.stream()
                      .filter(List.of("collections", "items", "searches")::contains)
                      .toList();
          s.put("tables", tables.size());
          s.put("rows", SchemaVerifier.await(catalog.rowCounts(pool, schema, counted)));
        }
        out.put(schema, s);
      }
    } catch (RuntimeException e) {
      out.put("error", "could not read the current state: " + Steps.describe(e));
    }
    return out;
  }
}
