package io.geomachine.core.job;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A kind of job: its parameters and its stages. Definitions are plain Java, registered in {@link
 * JobRegistry}.
 */
public interface JobDefinition {
  String jobType();

  /** Other names clients may submit this job under (names from the original system). */
  default List<String> aliases() {
    return List.of();
  }

  String description();

  ParameterSchema parameters();

  List<StageDefinition> stages();

  default FailurePolicy failurePolicy() {
    return FailurePolicy.FAIL_JOB;
  }

  /**
   * The job's {@code result_data}, from the successful results of every stage (keyed by stage
   * number, each list in task-index order).
   */
  JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> resultsByStage);

  default StageDefinition stage(int number) {
    return stages().get(number - 1);
  }
}
