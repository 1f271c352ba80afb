package io.geomachine.gateway.admin;

import io.geomachine.core.admin.OperationReport;
import io.geomachine.core.admin.SchemaAdmin;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/** Seed 001's STAC nuke, at the seed's path: delete STAC data, keep the pgstac schema. */
@Path("/api/stac")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = DbAdminResource.TAG)
@Blocking
public class StacAdminResource {
  @Inject SchemaAdmin admin;

  @POST
  @Path("/nuke")
  @Operation(
      summary = "Delete STAC data, keep the schema (destructive)",
      description =
          DbAdminResource.DESTRUCTIVE
              + "`mode=items`: every item, all collections stay. `mode=collections`: every item"
              + " and every collection except the system collections (system-vectors,"
              + " system-rasters). `mode=all`: every item, every collection and the registered"
              + " searches; the system collections are then recreated empty from code, so the"
              + " catalog still verifies.")
  @APIResponse(
      responseCode = "200",
      description = "The step report with the numbers deleted",
      content = @Content(schema = @Schema(implementation = OperationReport.class)))
  @APIResponse(
      responseCode = "400",
      description = "CONFIRMATION_REQUIRED (details.plan) or INVALID_QUERY (mode)")
  @APIResponse(responseCode = "409", description = "OPERATION_IN_PROGRESS")
  public OperationReport nuke(
      @Parameter(description = "`yes` to run; anything else returns the plan") @RestQuery
          String confirm,
      @Parameter(
              description = "items, collections or all",
              schema =
                  @Schema(
                      type = SchemaType.STRING,
                      enumeration = {"items", "collections", "all"}))
          @RestQuery
          String mode,
      @Parameter(description = "`false` to skip the backup taken first (default true)") @RestQuery
          String backup) {
    return admin.nukeStac(
        AdminParams.mode(mode), AdminParams.confirmed(confirm), AdminParams.backupFirst(backup));
  }
}
