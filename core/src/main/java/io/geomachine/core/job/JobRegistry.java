package io.geomachine.core.job;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.raster.ProcessLargeRasterJob;
import io.geomachine.core.job.raster.ProcessRasterCollectionJob;
import io.geomachine.core.job.raster.ProcessRasterJob;
import io.geomachine.core.job.raster.StacCatalogContainerJob;
import io.geomachine.core.job.raster.ValidateRasterJob;
import io.geomachine.core.job.vector.ProcessVectorJob;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one place job definitions are registered, by name and by alias. */
public final class JobRegistry {
  private final Map<String, JobDefinition> byType = new LinkedHashMap<>();
  private final Map<String, JobDefinition> byName = new LinkedHashMap<>();

  public JobRegistry(Collection<? extends JobDefinition> definitions) {
    for (JobDefinition d : definitions) {
      if (byType.put(d.jobType(), d) != null) {
        throw new IllegalArgumentException("job type registered twice: " + d.jobType());
      }
      register(d.jobType(), d);
      d.aliases().forEach(alias -> register(alias, d));
      if (d.stages().isEmpty()) {
        throw new IllegalArgumentException(d.jobType() + " has no stages");
      }
    }
  }

  /** Every job GeoMachine knows. */
  public static JobRegistry standard() {
    return new JobRegistry(
        List.of(
            new HelloWorldJob(),
            new BenchmarkTasksJob(),
            new ValidateRasterJob(),
            new ProcessRasterJob(),
            new ProcessLargeRasterJob(),
            new ProcessRasterCollectionJob(),
            new StacCatalogContainerJob(),
            new ProcessVectorJob()));
  }

  private void register(String name, JobDefinition d) {
    if (byName.put(name, d) != null) {
      throw new IllegalArgumentException("job name registered twice: " + name);
    }
  }

  /** The definition for a job type or alias, if there is one. */
  public java.util.Optional<JobDefinition> find(String name) {
    return java.util.Optional.ofNullable(byName.get(name));
  }

  /** The definition for a job type or alias, or UNKNOWN_JOB_TYPE listing the valid ones. */
  public JobDefinition require(String name) {
    JobDefinition d = byName.get(name);
    if (d == null) {
      throw new GeoMachineException(
          ErrorCode.UNKNOWN_JOB_TYPE,
          "unknown job type '" + name + "'; valid job types: " + String.join(", ", byName.keySet()),
          List.of(),
          Map.of("valid_job_types", new ArrayList<>(byName.keySet())),
          null);
    }
    return d;
  }

  public List<JobDefinition> definitions() {
    return List.copyOf(byType.values());
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
