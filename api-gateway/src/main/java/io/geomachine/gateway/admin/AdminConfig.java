package io.geomachine.gateway.admin;

import io.geomachine.core.admin.AdminSettings;
import io.geomachine.core.storage.BlobSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Schema administration settings ({@code geomachine.admin.*}; every key can be overridden by an
 * environment variable such as GEOMACHINE_ADMIN_PGSTAC_VERSION). The operator command reads the
 * same variables, so both adapters run the same operations the same way.
 */
@ConfigMapping(prefix = "geomachine.admin")
public interface AdminConfig {
  /** The pgstac version to install and expect; must equal ./platform's PGSTAC_VERSION. */
  @WithDefault(AdminSettings.DEFAULT_PGSTAC_VERSION)
  String pgstacVersion();

  /** The pypgstac executable (path, or name on PATH). */
  @WithDefault("pypgstac")
  String pypgstac();

  @WithDefault("pg_dump")
  String pgDump();

  @WithDefault("pg_restore")
  String pgRestore();

  @WithDefault("psql")
  String psql();

  /** The role granted pgstac_read by rebuilds and restores; empty: none. */
  Optional<String> readOnlyRole();

  /**
   * Create the read-only role (NOLOGIN) when missing: convenient locally; set false in production,
   * where the role belongs to a managed identity and a missing one must fail loudly.
   */
  @WithDefault("true")
  boolean createReadOnlyRole();

  @WithDefault("backups")
  String backupContainer();

  /** The longest pg_dump, pg_restore, psql or pypgstac may run. */
  @WithDefault("30m")
  Duration commandTimeout();

  /** How long a DROP waits for locks held by running services. */
  @WithDefault("30s")
  Duration lockTimeout();

  Blob blob();

  /** Blob storage for backups: an endpoint (Entra ID) wins over a connection string. */
  interface Blob {
    Optional<String> connectionString();

    Optional<String> endpoint();

    Optional<String> managedIdentityClientId();
  }

  default AdminSettings toSettings() {
    return new AdminSettings(
        pgstacVersion(),
        pypgstac(),
        pgDump(),
        pgRestore(),
        psql(),
        readOnlyRole().map(String::trim).orElse(""),
        createReadOnlyRole(),
        backupContainer(),
        commandTimeout(),
        lockTimeout());
  }

  default BlobSettings toBlobSettings() {
    return new BlobSettings(
        blob().connectionString().orElse(null),
        blob().endpoint().orElse(null),
        blob().managedIdentityClientId().orElse(null));
  }
}
