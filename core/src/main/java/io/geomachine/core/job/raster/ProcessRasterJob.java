package io.geomachine.core.job.raster;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One raster to a published COG and its STAC item: validate → create COG → STAC item. A source
 * larger than the worker's single-file limit fails validation with RASTER_TOO_LARGE_FOR_SINGLE and
 * {@code recommended_job: process_large_raster} (the gateway cannot see blob sizes at submission).
 */
public final class ProcessRasterJob implements JobDefinition {
  public static final String TYPE = "process_raster";

  private final ParameterSchema parameters =
      RasterParameters.catalog(
              RasterParameters.output(
                  RasterParameters.checks(RasterParameters.source(ParameterSchema.builder()))))
          .build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public List<String> aliases() {
    return List.of("process_raster_v2");
  }

  @Override
  public String description() {
    return "Validates one raster, writes a Cloud-Optimized GeoTIFF to the silver zone and catalogues"
        + " it as a STAC item (with a JSON sidecar next to the COG).";
  }

  @Override
  public ParameterSchema parameters() {
    return parameters;
  }

  @Override
  public List<StageDefinition> stages() {
    return List.of(
        StageDefinition.single(
            "validate",
            RasterTasks.VALIDATE,
            TaskQueue.RASTER,
            ctx ->
                List.of(
                    new TaskSpec(
                        "0",
                        ctx.jobParameters().copy().put(RasterTasks.ENFORCE_SINGLE_LIMIT, true)))),
        StageDefinition.single(
            "create_cog",
            RasterTasks.CREATE_COG,
            TaskQueue.RASTER,
            ctx -> List.of(new TaskSpec("0", withPrevious(ctx, RasterTasks.VALIDATION)))),
        StageDefinition.single(
            "stac_item",
            RasterTasks.STAC_ITEM,
            TaskQueue.RASTER,
            ctx -> List.of(new TaskSpec("0", withPrevious(ctx, RasterTasks.COG)))));
  }

  /** The job's parameters plus the one result of the previous (single-task) stage. */
  private static JsonObject withPrevious(StageContext ctx, String key) {
    JsonObject previous =
        ctx.previousResults().stream()
            .filter(r -> "0".equals(r.taskIndex()))
            .findFirst()
            .map(TaskResult::result)
            .orElseThrow(
                () -> new IllegalStateException("stage " + (ctx.stage() - 1) + " has no result"));
    return ctx.jobParameters().copy().put(key, previous);
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    JsonObject out = new JsonObject();
    first(byStage, 1).ifPresent(v -> out.put("validation", v));
    first(byStage, 2).ifPresent(c -> out.put("cog", c));
    first(byStage, 3).ifPresent(s -> out.put("stac", s));
    return out;
  }

  private static java.util.Optional<JsonObject> first(Map<Integer, List<TaskResult>> m, int s) {
    return m.getOrDefault(s, List.of()).stream().findFirst().map(TaskResult::result);
  }
}
