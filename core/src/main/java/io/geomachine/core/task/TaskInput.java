package io.geomachine.core.task;

import io.vertx.core.json.JsonObject;

/** What a handler gets: the claimed task and its parameters. */
public record TaskInput(
    String taskId,
    String jobId,
    String jobType,
    int stage,
    String taskIndex,
    JsonObject parameters) {}
