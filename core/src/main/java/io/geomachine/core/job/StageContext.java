package io.geomachine.core.job;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a planner sees: the job, its parameters, and the results of the previous stage (successful
 * ones only; empty for stage 1).
 */
public record StageContext(
    String jobId, JsonObject jobParameters, int stage, List<TaskResult> previousResults) {}
