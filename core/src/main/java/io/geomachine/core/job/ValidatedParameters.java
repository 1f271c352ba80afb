package io.geomachine.core.job;

import io.vertx.core.json.JsonObject;

/**
 * Parameters after validation: every declared parameter present (defaults applied), values in their
 * declared types.
 *
 * @param all what the job runs with
 * @param identifying the subset that identifies the job (input of {@link JobIds})
 */
public record ValidatedParameters(JsonObject all, JsonObject identifying) {}
