package io.geomachine.gateway;

import io.geomachine.core.engine.JanitorPasses;
import io.geomachine.core.model.JanitorRun;
import io.geomachine.core.model.JanitorRunType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDateTime;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The janitor's passes for operators: run one now, see the latest runs. Every pass is guarded like
 * a scheduled one (a pass another replica is running is skipped), and each changes only what its
 * thresholds select.
 */
@Path("/api/cleanup")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cleanup")
public class CleanupResource {
  @Inject JanitorPasses passes;
  @Inject GatewayConfig config;

  @POST
  @Path("/run")
  @Operation(
      summary = "Run a janitor pass now (safe)",
      description =
          "type=task_watchdog retries or fails tasks whose lease expired; type=orphan_detector"
              + " re-sends the lost message of a stalled stage, an unstarted job or an unclaimed"
              + " task; type=job_health applies the failure policy of jobs whose stage has a"
              + " failed task; type=stale_jobs fails jobs past the stale horizon (STALE_JOB);"
              + " type=blob_cleanup deletes the recorded intermediate prefixes of ended jobs. The"
              + " pass is recorded in the history like a scheduled one.")
  @APIResponse(responseCode = "200", description = "What the pass did")
  @APIResponse(responseCode = "400", description = "INVALID_QUERY: unknown or missing type")
  public Uni<JsonObject> run(@RestQuery String type) {
    QueryParams query = new QueryParams();
    JanitorRunType pass = query.oneOf("type", type, runnable(), JanitorRunType::sqlValue);
    if (pass == null) {
      query.missing("type", "must name a pass: " + RUNNABLE_NAMES);
    }
    query.requireValid();
    return passes.runAndDescribe(pass);
  }

  @GET
  @Path("/status")
  @Operation(summary = "The passes, their settings and their latest run")
  public Uni<JsonObject> status() {
    return passes
        .history(null, null, 200)
        .map(
            runs -> {
              JsonObject out = new JsonObject();
              for (JanitorRunType type : JanitorPasses.RUNNABLE) {
                JsonObject pass = new JsonObject();
                runs.stream()
                    .filter(r -> r.runType().equals(type.sqlValue()))
                    .findFirst()
                    .ifPresent(r -> pass.put("latest_run", view(r)));
                out.put(type.sqlValue(), pass);
              }
              JanitorPasses.Settings settings = passes.settings();
              out.getJsonObject("task_watchdog")
                  .put("lease", config.tasks().lease().toString())
                  .put("max_retries", config.tasks().maxRetries());
              out.getJsonObject("orphan_detector")
                  .put("stalled_for", config.cleanup().orphanDetector().stalledFor().toString())
                  .put(
                      "requeue_after", config.cleanup().orphanDetector().requeueAfter().toString());
              out.getJsonObject("job_health")
                  .put("unchanged_for", config.cleanup().jobHealth().unchangedFor().toString());
              out.getJsonObject("stale_jobs").put("horizon", settings.staleHorizon().toString());
              out.getJsonObject("blob_cleanup")
                  .put("ended_for", config.cleanup().blobCleanup().endedFor().toString())
                  .put("completed_for", config.cleanup().blobCleanup().completedFor().toString());
              return out;
            });
  }

  @GET
  @Path("/history")
  @Operation(summary = "Janitor runs, newest first, filtered by type and time")
  @APIResponse(responseCode = "400", description = "INVALID_QUERY naming the parameter")
  public Uni<JsonObject> history(
      @RestQuery String type, @RestQuery String since, @RestQuery String limit) {
    QueryParams query = new QueryParams();
    JanitorRunType pass =
        query.oneOf("type", type, JanitorRunType.values(), JanitorRunType::sqlValue);
    LocalDateTime from = query.instant("since", since);
    int pageSize = query.integer("limit", limit, config.defaultPageSize(), 1, config.maxPageSize());
    query.requireValid();
    return passes
        .history(pass, from, pageSize)
        .map(
            runs -> {
              JsonArray list = new JsonArray();
              runs.forEach(r -> list.add(view(r)));
              return new JsonObject().put("runs", list).put("count", runs.size());
            });
  }

  private static final String RUNNABLE_NAMES =
      String.join(", ", JanitorPasses.RUNNABLE.stream().map(JanitorRunType::sqlValue).toList());

  private static JanitorRunType[] runnable() {
    return JanitorPasses.RUNNABLE.toArray(JanitorRunType[]::new);
  }

  private static JsonObject view(JanitorRun r) {
    return new JsonObject()
        .put("run_id", r.runId())
        .put("run_type", r.runType())
        .put("status", r.status())
        .put("started_at", String.valueOf(r.startedAt()))
        .put("completed_at", String.valueOf(r.completedAt()))
        .put("duration_ms", r.durationMs())
        .put("items_scanned", r.itemsScanned())
        .put("items_fixed", r.itemsFixed())
        .put("actions_taken", r.actionsTaken())
        .put("error_details", r.errorDetails());
  }
}
