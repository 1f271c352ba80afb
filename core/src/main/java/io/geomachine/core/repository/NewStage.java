package io.geomachine.core.repository;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** The tasks of one stage, to create. */
public record NewStage(
    String jobId,
    String jobType,
    String taskType,
    int stage,
    List<String> taskIds,
    List<String> taskIndexes,
    List<JsonObject> parameters) {}
