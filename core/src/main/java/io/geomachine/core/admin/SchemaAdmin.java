package io.geomachine.core.admin;

import static io.geomachine.core.admin.SchemaVerifier.await;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.FieldError;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.schema.AppSchemaGenerator;
import io.geomachine.core.storage.BlobStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Schema administration (seeds 000, 001, 004): rebuild {@code app} and {@code pgstac} from code,
 * back up and restore them, verify and validate, and never touch {@code geo} or {@code h3}.
 *
 * <p>Blocking: each method runs to the end on the calling thread (a worker thread in the gateway,
 * the main thread in the operator command). Destructive operations refuse without confirmation
 * (CONFIRMATION_REQUIRED, with the {@link Plan} in the details), run under the administration lock
 * ({@link AdminLock}; a second one gets OPERATION_IN_PROGRESS), take a backup first unless told not
 * to, and stop at the first failed step (OPERATION_FAILED with the {@link OperationReport}). Every
 * step is idempotent, so running the operation again converges.
 */
public final class SchemaAdmin {
  public static final int SAMPLES = 10;
  static final List<String> SCHEMAS = List.of("app", "pgstac");
  private static final String UNTRUSTED =
      "the restored database is not trusted: orphan checks failed (result.validation)";

  private final Pool pool;
  private final DbTarget target;
  private final AdminSettings settings;
  private final PgTools tools;
  private final Backups backups;
  private final AdminPlans plans;
  private final SchemaVerifier verifier;
  private final AdminSteps work;
  private final IntegrityValidator validator = new IntegrityValidator(SAMPLES);
  private final CatalogRepository catalog = new CatalogRepository();
  private final PgstacPrivileges pgstac = new PgstacPrivileges();

  public SchemaAdmin(Pool pool, DbTarget target, AdminSettings settings, BlobStore blobs) {
    this.pool = pool;
    this.target = target;
    this.settings = settings;
    this.tools = new PgTools(target, settings);
    this.backups = new Backups(target, settings, blobs, tools);
    this.plans = new AdminPlans(pool, target.database(), settings);
    this.verifier = new SchemaVerifier(settings);
    this.work = new AdminSteps(target, settings, tools, backups, verifier);
  }

  public AdminSettings settings() {
    return settings;
  }

  public String database() {
    return target.database();
  }

  // ----------------------------------------------------------------------------------- safe

  public VerifyReport verify() {
    return verifier.verify(pool, target.database(), SchemaVerifier.ALL);
  }

  public ValidationReport validate() {
    return validator.validate(pool, target.database());
  }

  public String exportDdl() {
    return new AppSchemaGenerator().script();
  }

  /** Backups of this database, or of every database, newest first. */
  public List<BackupInfo> listBackups(boolean allDatabases) {
    return backups.list(allDatabases ? null : target.database());
  }

  /** A new backup of app + pgstac (safe: it only adds a blob). Runs under the lock. */
  public OperationReport backup() {
    AdminOperation op = AdminOperation.BACKUP;
    try (AdminLock lock = AdminLock.acquire(pool, op, settings.lockTimeout())) {
      SqlConnection s = lock.session();
      Steps steps = new Steps(op, target.database());
      Map<String, Object> result = new LinkedHashMap<>();
      steps.run("preflight", () -> work.preflight(s, true, false, false, List.of()));
      work.backupStep(steps, s, true, result);
      return steps.reportOrThrow(result);
    }
  }

  // ---------------------------------------------------------------------------- destructive

  /** Drops {@code app} and recreates it from the model, in one transaction. */
  public OperationReport redeployApp(boolean confirmed, boolean backupFirst) {
    AdminOperation op = AdminOperation.REDEPLOY_APP;
    refuseUnconfirmed(op, confirmed, () -> plans.redeployApp(backupFirst));
    return locked(
        op,
        (s, steps, result) -> {
          steps.run(
              "preflight", () -> work.preflight(s, backupFirst, false, false, List.of("app")));
          work.backupStep(steps, s, backupFirst, result);
          steps.run("recreate_app", () -> work.recreateApp(s));
          steps.run("verify", () -> work.verifyStep(s, Set.of(SchemaVerifier.Scope.APP), result));
        });
  }

  /** Drops {@code pgstac} and installs it again with pypgstac at the pinned version. */
  public OperationReport redeployPgstac(boolean confirmed, boolean backupFirst) {
    AdminOperation op = AdminOperation.REDEPLOY_PGSTAC;
    refuseUnconfirmed(op, confirmed, () -> plans.redeployPgstac(backupFirst));
    return locked(
        op,
        (s, steps, result) -> {
          steps.run(
              "preflight", () -> work.preflight(s, backupFirst, true, false, List.of("pgstac")));
          work.backupStep(steps, s, backupFirst, result);
          steps.run("drop_pgstac", () -> work.drop(s, "pgstac"));
          work.deployPgstacSteps(steps, s);
          steps.run(
              "verify", () -> work.verifyStep(s, Set.of(SchemaVerifier.Scope.PGSTAC), result));
        });
  }

  /**
   * Installs or upgrades {@code app} and {@code pgstac} in place: the idempotent app DDL, {@code
   * pypgstac migrate}, geo/h3 bootstrap, the read-only grant and the system collections, then
   * verify. Safe: it drops and deletes nothing, so it is what bringing a platform up runs.
   */
  public OperationReport deploy() {
    return locked(
        AdminOperation.DEPLOY,
        (s, steps, result) -> {
          steps.run(
              "deploy_app",
              () -> AdminSteps.inTransaction(s, c -> AdminSteps.deployAppStatements(c)));
          work.deployPgstacSteps(steps, s);
          steps.run("verify", () -> work.verifyStep(s, SchemaVerifier.ALL, result));
        });
  }

  /** Seed 001's full infrastructure rebuild: both schemas together, geo and h3 untouched. */
  public OperationReport fullRebuild(boolean confirmed, boolean backupFirst) {
    AdminOperation op = AdminOperation.FULL_REBUILD;
    refuseUnconfirmed(op, confirmed, () -> plans.fullRebuild(backupFirst));
    return locked(
        op,
        (s, steps, result) -> {
          AtomicReference<String> before = new AtomicReference<>();
          steps.run(
              "preflight",
              () -> {
                Map<String, Object> d = work.preflight(s, backupFirst, true, false, SCHEMAS);
                before.set(await(catalog.userSchemasFingerprint(s)));
                d.put("geo_h3_fingerprint", before.get());
                return d;
              });
          work.backupStep(steps, s, backupFirst, result);
          steps.run("drop_app", () -> work.drop(s, "app"));
          steps.run("drop_pgstac", () -> work.drop(s, "pgstac"));
          steps.run(
              "deploy_app",
              () -> AdminSteps.inTransaction(s, c -> AdminSteps.deployAppStatements(c)));
          work.deployPgstacSteps(steps, s);
          steps.run("verify", () -> work.verifyStep(s, SchemaVerifier.ALL, result));
          steps.run("geo_h3_untouched", () -> work.untouched(s, before.get()));
        });
  }

  /** Deletes STAC data and keeps the schema (see {@link NukeMode}). */
  public OperationReport nukeStac(NukeMode mode, boolean confirmed, boolean backupFirst) {
    if (mode == null) {
      throw GeoMachineException.invalidParameters(
          List.of(new FieldError("mode", "must be one of items, collections, all")));
    }
    AdminOperation op = AdminOperation.STAC_NUKE;
    refuseUnconfirmed(op, confirmed, () -> plans.nuke(mode, backupFirst));
    return locked(
        op,
        (s, steps, result) -> {
          result.put("mode", mode.wireName());
          steps.run(
              "preflight",
              () -> {
                if (!await(catalog.schemaExists(s, "pgstac"))) {
                  throw new AdminException("schema pgstac does not exist; nothing to delete");
                }
                return work.preflight(s, backupFirst, false, false, List.of());
              });
          work.backupStep(steps, s, backupFirst, result);
          steps.run(
              "delete_stac",
              () -> AdminSteps.inTransaction(s, c -> work.deleteStac(c, mode, result)));
          steps.run(
              "verify", () -> work.verifyStep(s, Set.of(SchemaVerifier.Scope.PGSTAC), result));
        });
  }

  /** Replaces app and pgstac with one named backup, then verifies and validates. */
  public OperationReport restore(String name, boolean confirmed, boolean backupFirst) {
    BackupInfo backup = backups.find(name);
    AdminOperation op = AdminOperation.RESTORE;
    refuseUnconfirmed(op, confirmed, () -> plans.restore(backup, backupFirst));
    AtomicReference<Path> dump = new AtomicReference<>();
    try {
      return locked(
          op,
          (s, steps, result) -> {
            result.put("restored_from", AdminJson.toMap(backup));
            AtomicReference<List<String>> toc = new AtomicReference<>();
            steps.run("preflight", () -> work.preflight(s, backupFirst, false, true, SCHEMAS));
            steps.run(
                "fetch_backup",
                () -> {
                  dump.set(backups.fetch(backup));
                  toc.set(tools.toc(dump.get()));
                  return Map.of(
                      "sha256_verified", backup.sha256(), "toc_entries", toc.get().size());
                });
            work.backupStep(steps, s, backupFirst, result);
            steps.run("drop_app", () -> work.drop(s, "app"));
            steps.run("drop_pgstac", () -> work.drop(s, "pgstac"));
            steps.run(
                "prepare",
                () -> {
                  await(catalog.ensureExtensions(s, PgstacPrivileges.EXTENSIONS));
                  await(pgstac.ensureRoles(s));
                  return Map.of(
                      "extensions", PgstacPrivileges.EXTENSIONS, "roles", PgstacPrivileges.ROLES);
                });
            steps.run("restore", () -> work.restoreArchive(dump.get()));
            steps.run(
                "pgstac_privileges",
                () -> {
                  if (!await(catalog.schemaExists(s, "pgstac"))) {
                    throw new Steps.Skip("the backup has no pgstac schema");
                  }
                  Map<String, Object> d = new LinkedHashMap<>();
                  d.put("not_owned_by_pgstac_admin", await(pgstac.restoreOwnership(s)));
                  d.putAll(pgstac.replayGrants(tools, dump.get(), toc.get()));
                  return d;
                });
            steps.run("bootstrap_geo_h3", () -> work.bootstrap(s));
            steps.run("grant_read_role", () -> work.grantReadRole(s));
            steps.run(
                "verify_and_validate",
                () -> {
                  ValidationReport v = validator.validate(s, target.database());
                  result.put("validation", AdminJson.toMap(v));
                  Map<String, Object> d = new LinkedHashMap<>();
                  d.put("trusted", v.trusted());
                  try {
                    d.putAll(work.verifyStep(s, SchemaVerifier.ALL, result));
                  } catch (AdminException e) {
                    d.putAll(e.detail());
                    throw new AdminException(
                        e.getMessage() + (v.trusted() ? "" : "; " + UNTRUSTED), d, null);
                  }
                  if (!v.trusted()) {
                    throw new AdminException(UNTRUSTED, d, null);
                  }
                  return d;
                });
          });
    } finally {
      PgstacPrivileges.deleteQuietly(dump.get());
    }
  }

  // ------------------------------------------------------------------------------- the steps

  /** An operation's body: its steps, run on the locked session. */
  private interface Body {
    void run(SqlConnection session, Steps steps, Map<String, Object> result);
  }

  private OperationReport locked(AdminOperation op, Body body) {
    try (AdminLock lock = AdminLock.acquire(pool, op, settings.lockTimeout())) {
      Steps steps = new Steps(op, target.database());
      Map<String, Object> result = new LinkedHashMap<>();
      body.run(lock.session(), steps, result);
      return steps.reportOrThrow(result);
    }
  }

  private void refuseUnconfirmed(AdminOperation op, boolean confirmed, Supplier<Plan> plan) {
    if (confirmed) {
      return;
    }
    throw new GeoMachineException(
        ErrorCode.CONFIRMATION_REQUIRED,
        op.wireName()
            + " is destructive ("
            + op.summary()
            + ") and nothing was changed; repeat it with confirm=yes (HTTP) or --confirm"
            + " (./platform dbadmin) to run the plan in details.plan",
        List.of(),
        Map.of("plan", AdminJson.toMap(plan.get())),
        null);
  }
}
