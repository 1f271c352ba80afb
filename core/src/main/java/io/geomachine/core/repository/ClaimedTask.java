package io.geomachine.core.repository;

import io.vertx.core.json.JsonObject;

/** A task a worker has claimed. */
public record ClaimedTask(
    String taskId,
    String jobId,
    String jobType,
    String taskType,
    int stage,
    String taskIndex,
    JsonObject parameters,
    int retryCount) {}
