package io.geomachine.core.job;

import io.vertx.core.json.JsonObject;

/** A task a planner wants: its index (the unit of work's name within the stage) and parameters. */
public record TaskSpec(String index, JsonObject parameters) {}
