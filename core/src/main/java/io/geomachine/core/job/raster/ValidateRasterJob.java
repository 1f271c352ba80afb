package io.geomachine.core.job.raster;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** One task that inspects a raster and reports what it is, or why it cannot be processed. */
public final class ValidateRasterJob implements JobDefinition {
  public static final String TYPE = "validate_raster";

  private final ParameterSchema parameters =
      RasterParameters.checks(RasterParameters.source(ParameterSchema.builder())).build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Reads a raster's metadata and a sample: CRS, bounds, size, bands, data type, nodata and"
        + " the detected raster type with its evidence.";
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
            ctx -> List.of(new TaskSpec("0", ctx.jobParameters().copy()))));
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    List<TaskResult> r = byStage.getOrDefault(1, List.of());
    return r.isEmpty() ? new JsonObject() : r.get(0).result();
  }
}
