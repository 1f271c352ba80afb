package io.geomachine.core.admin;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.repository.DbErrors;
import io.geomachine.core.storage.BlobSettings;
import io.geomachine.core.storage.BlobStore;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator command: the same operations as the gateway's {@code /api/dbadmin} endpoints, for
 * when the services are down (seed 000's manual path). {@code ./platform dbadmin <command>} runs
 * it. It prints one JSON document (a report, or an error in the API's error shape) and exits with
 * {@value #OK} on success, {@value #FAILED} when an operation failed or a check did not pass,
 * {@value #USAGE} on bad arguments, {@value #REFUSED} when a destructive command lacks {@code
 * --confirm} (the plan is printed) and {@value #BUSY} when another operation holds the lock.
 *
 * <p>Connection settings come from the libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER,
 * PGPASSWORD, PGSSLMODE; local defaults), blob storage from AZURE_STORAGE_CONNECTION_STRING
 * (default: the local Azurite) or GEOMACHINE_ADMIN_BLOB_ENDPOINT (Entra ID), and the rest from the
 * GEOMACHINE_ADMIN_* variables of {@link AdminSettings#fromEnv}.
 */
public final class DbAdminCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int REFUSED = 3;
  static final int BUSY = 4;

  private DbAdminCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Parsed command line. */
  record Args(
      String command,
      List<String> positional,
      boolean confirm,
      boolean backup,
      boolean all,
      String mode) {
    static Args parse(String[] argv) {
      String command = null;
      List<String> positional = new ArrayList<>();
      boolean confirm = false;
      boolean backup = true;
      boolean all = false;
      String mode = null;
      for (int i = 0; i < argv.length; i++) {
        String a = argv[i];
        switch (a) {
          case "--confirm" -> confirm = true;
          case "--no-backup" -> backup = false;
          case "--all" -> all = true;
          case "--mode" -> mode = i + 1 < argv.length ? argv[++i] : "";
          default -> {
            if (a.startsWith("--mode=")) {
              mode = a.substring("--mode=".length());
            } else if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + a);
            } else if (command == null) {
              command = a;
            } else {
              positional.add(a);
            }
          }
        }
      }
      return new Args(command, positional, confirm, backup, all, mode);
    }
  }

  public static int run(String[] argv, Map<String, String> env, PrintStream out, PrintStream err) {
    Args args;
    try {
      args = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(usage());
      return USAGE;
    }
    if (args.command() == null || List.of("help", "-h", "--help").contains(args.command())) {
      out.print(usage());
      return args.command() == null ? USAGE : OK;
    }
    AdminOperation op = AdminOperation.fromWireName(args.command());
    if (op == null) {
      err.println("unknown command: " + args.command());
      err.print(usage());
      return USAGE;
    }
    if (op == AdminOperation.EXPORT_DDL) {
      out.print(new io.geomachine.core.schema.AppSchemaGenerator().script());
      return OK;
    }
    if (op == AdminOperation.RESTORE && args.positional().size() != 1) {
      err.println("restore needs exactly one backup name (see: dbadmin backups)");
      return USAGE;
    }
    DbTarget target = DbTarget.fromEnv(env);
    AdminSettings settings = AdminSettings.fromEnv(env);
    Vertx vertx = Vertx.vertx();
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2))
            .connectingTo(target.connectOptions())
            .using(vertx)
            .build();
    try {
      SchemaAdmin admin = new SchemaAdmin(pool, target, settings, BlobStore.connect(blobs(env)));
      return dispatch(admin, op, args, out);
    } catch (GeoMachineException e) {
      out.println(AdminJson.write(errorShape(e.code(), e.getMessage(), e.details())));
      return switch (e.code()) {
        case CONFIRMATION_REQUIRED -> REFUSED;
        case OPERATION_IN_PROGRESS -> BUSY;
        default -> e.code().httpStatus() < 500 && e.code() != ErrorCode.NOT_FOUND ? USAGE : FAILED;
      };
    } catch (RuntimeException e) {
      Throwable t = DbErrors.translate(e);
      if (t instanceof GeoMachineException g) {
        out.println(AdminJson.write(errorShape(g.code(), g.getMessage(), g.details())));
      } else {
        out.println(AdminJson.write(errorShape(ErrorCode.INTERNAL_ERROR, e.toString(), Map.of())));
      }
      return FAILED;
    } finally {
      pool.close().await().atMost(Duration.ofSeconds(30));
      vertx.close().await().atMost(Duration.ofSeconds(30));
    }
  }

  private static int dispatch(SchemaAdmin admin, AdminOperation op, Args a, PrintStream out) {
    switch (op) {
      case VERIFY -> {
        VerifyReport r = admin.verify();
        out.println(AdminJson.write(r));
        return r.passed() ? OK : FAILED;
      }
      case VALIDATE -> {
        ValidationReport r = admin.validate();
        out.println(AdminJson.write(r));
        return r.trusted() ? OK : FAILED;
      }
      case LIST_BACKUPS -> {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("database", a.all() ? null : admin.database());
        r.put("backups", admin.listBackups(a.all()));
        out.println(AdminJson.write(r));
        return OK;
      }
      default -> {
        OperationReport r =
            switch (op) {
              case BACKUP -> admin.backup();
              case DEPLOY -> admin.deploy();
              case REDEPLOY_APP -> admin.redeployApp(a.confirm(), a.backup());
              case REDEPLOY_PGSTAC -> admin.redeployPgstac(a.confirm(), a.backup());
              case FULL_REBUILD -> admin.fullRebuild(a.confirm(), a.backup());
              case STAC_NUKE -> admin.nukeStac(nukeMode(a.mode()), a.confirm(), a.backup());
              case RESTORE -> admin.restore(a.positional().get(0), a.confirm(), a.backup());
              default -> throw new IllegalStateException("unhandled " + op);
            };
        out.println(AdminJson.write(r));
        return r.succeeded() ? OK : FAILED;
      }
    }
  }

  private static NukeMode nukeMode(String mode) {
    NukeMode m = NukeMode.fromWireName(mode);
    if (m == null) {
      throw GeoMachineException.invalidParameters(
          List.of(
              new io.geomachine.core.error.FieldError(
                  "mode",
                  "must be one of items, collections, all (got "
                      + (mode == null ? "nothing" : "'" + mode + "'")
                      + ")")));
    }
    return m;
  }

  public static BlobSettings blobs(Map<String, String> env) {
    String endpoint = env.get("GEOMACHINE_ADMIN_BLOB_ENDPOINT");
    if (endpoint != null && !endpoint.isBlank()) {
      return new BlobSettings(null, endpoint, env.get("GEOMACHINE_ADMIN_BLOB_CLIENT_ID"));
    }
    String cs = env.get("AZURE_STORAGE_CONNECTION_STRING");
    return BlobSettings.connectionString(
        cs == null || cs.isBlank() ? BlobSettings.AZURITE_DEV_CONNECTION_STRING : cs);
  }

  /** The API's error shape, so scripts parse one format. */
  static Map<String, Object> errorShape(
      ErrorCode code, String message, Map<String, Object> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code.name());
    body.put("message", message);
    body.put("status", code.httpStatus());
    body.put("fields", List.of());
    body.put("details", details);
    return Map.of("error", body);
  }

  static String usage() {
    StringBuilder sb =
        new StringBuilder(
            "Usage: ./platform dbadmin <command> [--confirm] [--no-backup] [--mode M] [--all]"
                + " [name]\n\nCommands:\n");
    for (AdminOperation op : AdminOperation.values()) {
      sb.append(
          String.format(
              "  %-16s %-12s %s%n",
              op.wireName(), op.destructive() ? "DESTRUCTIVE" : "safe", op.summary()));
    }
    sb.append(
        """

        Destructive commands change nothing without --confirm: they print their plan and exit 3.
        They back up app + pgstac first unless --no-backup is given.
          stac-nuke --mode items|collections|all    restore <backup name>    backups [--all]
        Environment: PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD [PGSSLMODE],
          AZURE_STORAGE_CONNECTION_STRING (default: local Azurite) or GEOMACHINE_ADMIN_BLOB_ENDPOINT,
          GEOMACHINE_ADMIN_* (PGSTAC_VERSION, PYPGSTAC, READ_ONLY_ROLE, BACKUP_CONTAINER, ...).
        Exit codes: 0 ok, 1 failed, 2 usage, 3 confirmation required, 4 another operation runs.
        """);
    return sb.toString();
  }
}
