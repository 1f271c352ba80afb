package io.geomachine.core.admin;

import java.time.Duration;
import java.util.Map;

/**
 * How schema administration runs. The gateway fills it from {@code geomachine.admin.*}, the
 * operator command from the matching environment variables ({@code GEOMACHINE_ADMIN_*}); both have
 * the same defaults.
 *
 * @param pgstacVersion the pgstac schema version {@code pypgstac migrate --toversion} installs and
 *     verify expects. {@code ./platform} pins it once (PGSTAC_VERSION) and passes it to everything
 *     it starts as GEOMACHINE_ADMIN_PGSTAC_VERSION; the default here must equal that pin.
 * @param pypgstac the pypgstac executable (a path, or a name looked up on PATH)
 * @param readOnlyRole the role granted {@code pgstac_read} (seed 000 step 4); blank: no grant
 * @param createReadOnlyRole create that role (NOLOGIN) when it is missing; false in production,
 *     where the role belongs to an identity created by the identity provider
 * @param backupContainer the blob container backups go to
 * @param commandTimeout the longest a tool (pg_dump, pg_restore, psql, pypgstac) may run
 * @param lockTimeout how long a DROP waits for locks held by running services before it fails
 */
public record AdminSettings(
    String pgstacVersion,
    String pypgstac,
    String pgDump,
    String pgRestore,
    String psql,
    String readOnlyRole,
    boolean createReadOnlyRole,
    String backupContainer,
    Duration commandTimeout,
    Duration lockTimeout) {

  public static final String DEFAULT_PGSTAC_VERSION = "0.9.12";

  public static AdminSettings defaults() {
    return new AdminSettings(
        DEFAULT_PGSTAC_VERSION,
        "pypgstac",
        "pg_dump",
        "pg_restore",
        "psql",
        "geomachine_reader",
        true,
        "backups",
        Duration.ofMinutes(30),
        Duration.ofSeconds(30));
  }

  /** From the GEOMACHINE_ADMIN_* environment variables, defaults for the ones not set. */
  public static AdminSettings fromEnv(Map<String, String> env) {
    AdminSettings d = defaults();
    return new AdminSettings(
        value(env, "GEOMACHINE_ADMIN_PGSTAC_VERSION", d.pgstacVersion()),
        value(env, "GEOMACHINE_ADMIN_PYPGSTAC", d.pypgstac()),
        value(env, "GEOMACHINE_ADMIN_PG_DUMP", d.pgDump()),
        value(env, "GEOMACHINE_ADMIN_PG_RESTORE", d.pgRestore()),
        value(env, "GEOMACHINE_ADMIN_PSQL", d.psql()),
        env.containsKey("GEOMACHINE_ADMIN_READ_ONLY_ROLE")
            ? env.get("GEOMACHINE_ADMIN_READ_ONLY_ROLE").trim()
            : d.readOnlyRole(),
        Boolean.parseBoolean(
            value(
                env,
                "GEOMACHINE_ADMIN_CREATE_READ_ONLY_ROLE",
                String.valueOf(d.createReadOnlyRole()))),
        value(env, "GEOMACHINE_ADMIN_BACKUP_CONTAINER", d.backupContainer()),
        duration(env, "GEOMACHINE_ADMIN_COMMAND_TIMEOUT", d.commandTimeout()),
        duration(env, "GEOMACHINE_ADMIN_LOCK_TIMEOUT", d.lockTimeout()));
  }

  public AdminSettings withPypgstac(String path) {
    return new AdminSettings(
        pgstacVersion,
        path,
        pgDump,
        pgRestore,
        psql,
        readOnlyRole,
        createReadOnlyRole,
        backupContainer,
        commandTimeout,
        lockTimeout);
  }

  public AdminSettings withPgstacVersion(String version) {
    return new AdminSettings(
        version,
        pypgstac,
        pgDump,
        pgRestore,
        psql,
        readOnlyRole,
        createReadOnlyRole,
        backupContainer,
        commandTimeout,
        lockTimeout);
  }

  public AdminSettings withBackupContainer(String container) {
    return new AdminSettings(
        pgstacVersion,
        pypgstac,
        pgDump,
        pgRestore,
        psql,
        readOnlyRole,
        createReadOnlyRole,
        container,
        commandTimeout,
        lockTimeout);
  }

  public AdminSettings withReadOnlyRole(String role, boolean create) {
    return new AdminSettings(
        pgstacVersion,
        pypgstac,
        pgDump,
        pgRestore,
        psql,
        role,
        create,
        backupContainer,
        commandTimeout,
        lockTimeout);
  }

  boolean hasReadOnlyRole() {
    return readOnlyRole != null && !readOnlyRole.isBlank();
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /** ISO-8601 ({@code PT30S}) or a number with a unit suffix: {@code 30s}, {@code 10m}. */
  static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    v = v.trim();
    if (v.startsWith("P") || v.startsWith("p")) {
      return Duration.parse(v);
    }
    char unit = v.charAt(v.length() - 1);
    long n = Long.parseLong(v.substring(0, Character.isDigit(unit) ? v.length() : v.length() - 1));
    return switch (unit) {
      case 'h' -> Duration.ofHours(n);
      case 'm' -> Duration.ofMinutes(n);
      case 's' -> Duration.ofSeconds(n);
      default -> Character.isDigit(unit) ? Duration.ofSeconds(n) : Duration.parse("PT" + v);
    };
  }
}
