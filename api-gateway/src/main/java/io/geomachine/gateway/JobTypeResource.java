package io.geomachine.gateway;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.StageDefinition;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The job catalogue: what can be submitted, with which parameters, running which stages. */
@Path("/api/jobs/types")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
public class JobTypeResource {
  @Inject JobRegistry registry;

  @JsonNaming(SnakeCaseStrategy.class)
  public record JobTypes(List<JobType> jobTypes) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record JobType(
      String jobType,
      String description,
      List<String> aliases,
      List<Stage> stages,
      @Schema(
              description =
                  "Each parameter's type, required, default, min, max, allowed_values,"
                      + " pattern, part_of_job_id and description")
          Map<String, Object> parameters) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record Stage(int stage, String name, String taskType, String kind, String queue) {}

  @GET
  @Operation(summary = "Every job type with its stages and parameter schema")
  public JobTypes types() {
    List<JobType> types = new ArrayList<>();
    for (JobDefinition d : registry.definitions()) {
      List<Stage> stages = new ArrayList<>();
      for (int i = 0; i < d.stages().size(); i++) {
        StageDefinition s = d.stages().get(i);
        stages.add(new Stage(i + 1, s.name(), s.taskType(), lower(s.kind()), lower(s.queue())));
      }
      types.add(
          new JobType(
              d.jobType(),
              d.description(),
              d.aliases(),
              stages,
              JobViews.plain(d.parameters().describe())));
    }
    return new JobTypes(types);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
