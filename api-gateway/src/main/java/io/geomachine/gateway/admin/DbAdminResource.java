package io.geomachine.gateway.admin;

import io.geomachine.core.admin.BackupInfo;
import io.geomachine.core.admin.OperationReport;
import io.geomachine.core.admin.SchemaAdmin;
import io.geomachine.core.admin.ValidationReport;
import io.geomachine.core.admin.VerifyReport;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Schema administration (seeds 000, 001, 004): thin adapters over {@link SchemaAdmin}, which the
 * operator command ({@code ./platform dbadmin}) calls too. The operations run synchronously on a
 * worker thread and answer with their step report when done (locally: a full rebuild about 1.5 s, a
 * backup or a restore well under 2 s; docs/schema-admin.md has the measurements).
 */
@Path("/api/dbadmin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(
    name = DbAdminResource.TAG,
    description =
        "Schema administration: rebuild app and pgstac from code, back up, restore, verify,"
            + " validate. Each operation is marked DESTRUCTIVE or SAFE; geo and h3 are never"
            + " touched.")
@Blocking
public class DbAdminResource {
  static final String TAG = "Database administration";
  static final String DESTRUCTIVE =
      "**DESTRUCTIVE.** Without `confirm=yes` nothing changes: the answer is 400"
          + " CONFIRMATION_REQUIRED with the plan (actions, current row counts) in"
          + " `error.details.plan`. Runs under the administration lock (409 OPERATION_IN_PROGRESS"
          + " while another operation runs) and backs up app + pgstac to blob storage first unless"
          + " `backup=false`. Stops at the first failed step: 500 OPERATION_FAILED with the step"
          + " report in `error.details.report`; running it again converges. Never touches geo or"
          + " h3.\n\n";
  static final String SAFE = "**SAFE:** reads only";

  private static final String CONFIRM = "`yes` to run; anything else returns the plan";
  private static final String BACKUP = "`false` to skip the backup taken first (default true)";

  @Inject SchemaAdmin admin;

  @POST
  @Path("/maintenance/redeploy")
  @Operation(
      summary = "Redeploy the app schema (destructive)",
      description =
          DESTRUCTIVE
              + "Drops schema `app` and recreates it from the Java model, in one transaction,"
              + " then verifies it. Every job, task and api request is deleted.")
  @APIResponse(
      responseCode = "200",
      description = "The step report",
      content = @Content(schema = @Schema(implementation = OperationReport.class)))
  @APIResponse(responseCode = "400", description = "CONFIRMATION_REQUIRED (details.plan)")
  @APIResponse(responseCode = "409", description = "OPERATION_IN_PROGRESS")
  @APIResponse(responseCode = "503", description = "BLOB_STORE_UNAVAILABLE or STORE_UNAVAILABLE")
  public OperationReport redeployApp(
      @Parameter(description = CONFIRM) @RestQuery String confirm,
      @Parameter(description = BACKUP) @RestQuery String backup) {
    return admin.redeployApp(AdminParams.confirmed(confirm), AdminParams.backupFirst(backup));
  }

  @POST
  @Path("/maintenance/pgstac/redeploy")
  @Operation(
      summary = "Redeploy the pgstac schema (destructive)",
      description =
          DESTRUCTIVE
              + "Drops schema `pgstac` (every collection, item and registered search) and installs"
              + " it again with `pypgstac migrate` at the pinned version, then grants pgstac_read"
              + " to the read-only role and recreates the system collections. Jobs in app keep"
              + " pointing at items that are gone: prefer the full rebuild.")
  @APIResponse(
      responseCode = "200",
      description = "The step report",
      content = @Content(schema = @Schema(implementation = OperationReport.class)))
  @APIResponse(responseCode = "400", description = "CONFIRMATION_REQUIRED (details.plan)")
  @APIResponse(responseCode = "409", description = "OPERATION_IN_PROGRESS")
  public OperationReport redeployPgstac(
      @Parameter(description = CONFIRM) @RestQuery String confirm,
      @Parameter(description = BACKUP) @RestQuery String backup) {
    return admin.redeployPgstac(AdminParams.confirmed(confirm), AdminParams.backupFirst(backup));
  }

  @POST
  @Path("/maintenance/full-rebuild")
  @Operation(
      summary = "Full rebuild of app and pgstac together (destructive)",
      description =
          DESTRUCTIVE
              + "Seed 001's full infrastructure rebuild: back up, drop app, drop pgstac, deploy"
              + " app, deploy pgstac, create geo and h3 if missing (never dropped), grant"
              + " pgstac_read to the read-only role, create the system collections, verify, and"
              + " check that geo and h3 are unchanged.")
  @APIResponse(
      responseCode = "200",
      description = "The step report",
      content = @Content(schema = @Schema(implementation = OperationReport.class)))
  @APIResponse(responseCode = "400", description = "CONFIRMATION_REQUIRED (details.plan)")
  @APIResponse(responseCode = "409", description = "OPERATION_IN_PROGRESS")
  public OperationReport fullRebuild(
      @Parameter(description = CONFIRM) @RestQuery String confirm,
      @Parameter(description = BACKUP) @RestQuery String backup) {
    return admin.fullRebuild(AdminParams.confirmed(confirm), AdminParams.backupFirst(backup));
  }

  @GET
  @Path("/verify")
  @Operation(
      summary = "Verify app, pgstac and the bootstrap (safe)",
      description =
          SAFE
              + ". Seed 000 step 6 as pass/fail checks: app tables, functions and enums (expected"
              + " from the Java model), the check_job_completion probe, pgstac tables and version,"
              + " the three pgstac roles, search_hash, the system collections, the read-only"
              + " role's grant, geo/h3 and geo.table_metadata. Always 200; see `passed`.")
  @APIResponse(
      responseCode = "200",
      description = "The checks",
      content = @Content(schema = @Schema(implementation = VerifyReport.class)))
  public VerifyReport verify() {
    return admin.verify();
  }

  @GET
  @Path("/validate")
  @Operation(
      summary = "Validation pass: orphan checks (safe)",
      description =
          SAFE
              + ". Seed 004 step 5: tasks without a job, api_requests pointing at a missing job,"
              + " STAC items whose app:job_id has no job, geo tables without a row in"
              + " geo.table_metadata, metadata rows without a table; counts and samples. The"
              + " database is trusted only when every count is zero. Always 200; see `trusted`.")
  @APIResponse(
      responseCode = "200",
      description = "The orphan checks",
      content = @Content(schema = @Schema(implementation = ValidationReport.class)))
  public ValidationReport validate() {
    return admin.validate();
  }

  @POST
  @Path("/backups")
  @Operation(
      summary = "Back up app + pgstac to blob storage (safe)",
      description =
          "**SAFE:** adds one blob, deletes nothing. pg_dump (custom format) of app and pgstac,"
              + " checked readable, uploaded as `full_<database>_<UTC timestamp>.dump` to the"
              + " backups container; append-only, never overwritten. Runs under the"
              + " administration lock.")
  @APIResponse(
      responseCode = "201",
      description = "The step report; result.backup names the new backup",
      content = @Content(schema = @Schema(implementation = OperationReport.class)))
  @APIResponse(responseCode = "409", description = "OPERATION_IN_PROGRESS")
  @APIResponse(responseCode = "503", description = "BLOB_STORE_UNAVAILABLE")
  public RestResponse<OperationReport> backup() {
    OperationReport report = admin.backup();
    return RestResponse.status(RestResponse.Status.CREATED, report);
  }

  @GET
  @Path("/backups")
  @Operation(
      summary = "List backups, newest first (safe)",
      description = SAFE + ". Backups of this database, or of all databases with `all=true`.")
  @APIResponse(responseCode = "200", description = "The backups with size and time")
  @APIResponse(responseCode = "503", description = "BLOB_STORE_UNAVAILABLE")
  public Map<String, Object> listBackups(
      @Parameter(description = "`true`: every database's backups") @RestQuery String all) {
    boolean everything = AdminParams.flag("all", all);
    List<BackupInfo> backups = admin.listBackups(everything);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("database", everything ? null : admin.database());
    out.put("backups", backups);
    return out;
  }

  @POST
  @Path("/backups/{name}/restore")
  @Operation(
      summary = "Restore one backup (destructive)",
      description =
          DESTRUCTIVE
              + "Replaces app and pgstac with the named backup: downloads it and checks its"
              + " SHA-256, backs up the current state, drops both schemas, restores with"
              + " --no-owner --no-privileges in one transaction (with pgstac's search_path), gives"
              + " pgstac back to pgstac_admin and replays the backup's pgstac grants, then runs"
              + " verify and the validation pass: the restore succeeds only if the result is"
              + " trusted.")
  @APIResponse(
      responseCode = "200",
      description = "The step report",
      content = @Content(schema = @Schema(implementation = OperationReport.class)))
  @APIResponse(responseCode = "400", description = "CONFIRMATION_REQUIRED or INVALID_PARAMETERS")
  @APIResponse(responseCode = "404", description = "NOT_FOUND: no backup of that name")
  @APIResponse(responseCode = "409", description = "OPERATION_IN_PROGRESS")
  public OperationReport restore(
      @Parameter(description = "a name from GET /api/dbadmin/backups") @RestPath String name,
      @Parameter(description = CONFIRM) @RestQuery String confirm,
      @Parameter(description = BACKUP) @RestQuery String backup) {
    return admin.restore(name, AdminParams.confirmed(confirm), AdminParams.backupFirst(backup));
  }

  @GET
  @Path("/ddl")
  @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
  @Operation(
      summary = "The app schema DDL (safe)",
      description =
          SAFE
              + ". Seed 000 step 2: the whole app schema as idempotent SQL generated from the Java"
              + " model, for a DBA: `psql -v ON_ERROR_STOP=1 --single-transaction -f app.sql`.")
  @APIResponse(
      responseCode = "200",
      description = "SQL",
      content = @Content(mediaType = MediaType.TEXT_PLAIN))
  public RestResponse<String> ddl() {
    return RestResponse.ResponseBuilder.ok(admin.exportDdl(), MediaType.TEXT_PLAIN_TYPE).build();
  }
}
