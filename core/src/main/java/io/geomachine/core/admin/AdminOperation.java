package io.geomachine.core.admin;

import io.geomachine.core.model.WireNames;

/**
 * Every schema administration operation, classified as seed 004 does: destructive operations delete
 * or replace data and need an explicit confirmation ({@code confirm=yes} / {@code --confirm}); safe
 * ones only read, or add something new (a backup).
 */
public enum AdminOperation {
  REDEPLOY_APP("redeploy-app", true, "drop schema app and recreate it from the Java model"),
  REDEPLOY_PGSTAC(
      "redeploy-pgstac",
      true,
      "drop schema pgstac and install it again with pypgstac migrate at the pinned version"),
  FULL_REBUILD(
      "full-rebuild",
      true,
      "back up, drop app and pgstac, deploy both, bootstrap geo/h3, grant, system collections,"
          + " verify"),
  STAC_NUKE("stac-nuke", true, "delete STAC items and/or collections, keeping the pgstac schema"),
  RESTORE(
      "restore", true, "replace app and pgstac with one named backup, then verify and validate"),
  DEPLOY(
      "deploy",
      false,
      "install or upgrade app and pgstac in place (idempotent, drops nothing), bootstrap geo/h3,"
          + " grant, system collections, verify"),
  BACKUP("backup", false, "dump app + pgstac (pg_dump) into blob storage, append-only"),
  LIST_BACKUPS("backups", false, "list the backups with their size and time"),
  VERIFY("verify", false, "check app, pgstac, roles and system collections (seed 000 step 6)"),
  VALIDATE("validate", false, "orphan checks that decide whether the database is trusted"),
  EXPORT_DDL("ddl", false, "print the app schema DDL generated from the Java model");

  private final String wireName;
  private final boolean destructive;
  private final String summary;

  AdminOperation(String wireName, boolean destructive, String summary) {
    this.wireName = wireName;
    this.destructive = destructive;
    this.summary = summary;
  }

  /** The name used in reports and by the operator command ({@code ./platform dbadmin <name>}). */
  public String wireName() {
    return wireName;
  }

  public boolean destructive() {
    return destructive;
  }

  public String summary() {
    return summary;
  }

  public static AdminOperation fromWireName(String name) {
    return WireNames.find(values(), AdminOperation::wireName, name).orElse(null);
  }
}
