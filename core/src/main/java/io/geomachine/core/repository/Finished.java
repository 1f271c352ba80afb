package io.geomachine.core.repository;

import io.vertx.core.json.JsonObject;

/** One task's outcome, to complete in a batch. */
public record Finished(
    String taskId, String jobId, int stage, JsonObject result, String error, String workerId) {}
