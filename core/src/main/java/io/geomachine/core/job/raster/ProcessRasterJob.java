package io.geomachine.core.job.raster;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskResult;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One raster to a published COG and its STAC item: validate → create COG → STAC item. A source
 * larger than the worker's single-file limit is tiled instead, as process_large_raster does (COG
 * per tile, item per tile, MosaicJSON): see {@link RasterRouting}.
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
    return RasterRouting.processRasterStages();
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    JsonObject out = new JsonObject();
    first(byStage, 1).ifPresent(v -> out.put("validation", v));
    first(byStage, 2).ifPresent(c -> out.put("cog", c));
    first(byStage, 3).ifPresent(s -> out.put("stac", s));
    return out.mergeIn(RasterRouting.tiledResult(byStage));
  }

  private static java.util.Optional<JsonObject> first(Map<Integer, List<TaskResult>> m, int s) {
    return m.getOrDefault(s, List.of()).stream().findFirst().map(TaskResult::result);
  }
}
