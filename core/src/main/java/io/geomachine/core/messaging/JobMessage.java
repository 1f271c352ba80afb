package io.geomachine.core.messaging;

import io.vertx.core.json.JsonObject;

/**
 * A command for the orchestrator, on the jobs queue.
 *
 * <pre>{"schema_version":1,"type":"start_job","job_id":"…"}
 * {"schema_version":1,"type":"stage_completed","job_id":"…","stage":2}
 * {"schema_version":1,"type":"task_failed","job_id":"…","stage":2}</pre>
 */
public record JobMessage(Type type, String jobId, int stage) {
  public static final int SCHEMA_VERSION = 1;
  private static final String KIND = "job message";

  public enum Type {
    START_JOB("start_job"),
    STAGE_COMPLETED("stage_completed"),
    /** A task of the stage failed for good: a FAIL_JOB job fails now, not when the stage ends. */
    TASK_FAILED("task_failed");

    final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    /** The type as it appears in the message's {@code type} field. */
    public String wireName() {
      return wire;
    }
  }

  public static JobMessage startJob(String jobId) {
    return new JobMessage(Type.START_JOB, jobId, 1);
  }

  public static JobMessage stageCompleted(String jobId, int stage) {
    return new JobMessage(Type.STAGE_COMPLETED, jobId, stage);
  }

  public static JobMessage taskFailed(String jobId, int stage) {
    return new JobMessage(Type.TASK_FAILED, jobId, stage);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put(Messages.SCHEMA_VERSION, SCHEMA_VERSION)
        .put("type", type.wire)
        .put("job_id", jobId)
        .put("stage", stage);
  }

  public static JobMessage fromJson(JsonObject json) {
    Messages.requireVersion(json, KIND, SCHEMA_VERSION);
    String wireType = Messages.text(json, KIND, "type");
    Type type = null;
    for (Type t : Type.values()) {
      if (t.wire.equals(wireType)) {
        type = t;
      }
    }
    if (type == null) {
      throw new MessageFormatException(KIND + ": unknown type '" + wireType + "'");
    }
    return new JobMessage(
        type, Messages.text(json, KIND, "job_id"), Messages.positiveInt(json, KIND, "stage"));
  }
}
