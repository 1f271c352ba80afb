package io.geomachine.core.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MessageContractsTest {
  private static final String JOB_ID = "a".repeat(64);

  private static String rejection(Function<JsonObject, ?> parser, JsonObject json) {
    return assertThrows(MessageFormatException.class, () -> parser.apply(json)).getMessage();
  }

  private static JsonObject overWire(JsonObject json) {
    return new JsonObject(json.encode());
  }

  @Test
  void jobMessagesRoundTrip() {
    JobMessage start = JobMessage.startJob(JOB_ID);
    JobMessage stage = JobMessage.stageCompleted(JOB_ID, 2);
    assertEquals(start, JobMessage.fromJson(overWire(start.toJson())));
    assertEquals(stage, JobMessage.fromJson(overWire(stage.toJson())));
    assertEquals(JobMessage.Type.STAGE_COMPLETED, stage.type());
    assertEquals(2, stage.stage());
  }

  @Test
  void jobMessageWireFormat() {
    assertEquals(
        new JsonObject()
            .put("schema_version", 1)
            .put("type", "stage_completed")
            .put("job_id", JOB_ID)
            .put("stage", 3),
        JobMessage.stageCompleted(JOB_ID, 3).toJson());
    assertEquals("start_job", JobMessage.startJob(JOB_ID).toJson().getString("type"));
    assertEquals(1, JobMessage.startJob(JOB_ID).toJson().getInteger("stage"));
  }

  @Test
  void taskMessagesRoundTrip() {
    TaskMessage m = new TaskMessage("t-s1-0", JOB_ID, "hello_world_greeting", 1);
    assertEquals(m, TaskMessage.fromJson(overWire(m.toJson())));
    assertEquals(
        new JsonObject()
            .put("schema_version", 1)
            .put("task_id", "t-s1-0")
            .put("job_id", JOB_ID)
            .put("task_type", "hello_world_greeting")
            .put("stage", 1),
        m.toJson());
  }

  @Test
  void aMissingOrWrongSchemaVersionIsRefused() {
    JsonObject valid = JobMessage.startJob(JOB_ID).toJson();
    JsonObject missing = valid.copy();
    missing.remove("schema_version");
    assertTrue(rejection(JobMessage::fromJson, missing).contains("schema_version"));
    String wrong = rejection(JobMessage::fromJson, valid.copy().put("schema_version", 2));
    assertTrue(wrong.contains("schema_version") && wrong.contains("2"), wrong);
    assertTrue(
        rejection(JobMessage::fromJson, valid.copy().put("schema_version", "1"))
            .contains("schema_version"));
    assertTrue(rejection(JobMessage::fromJson, null).contains("empty"));

    JsonObject task = new TaskMessage("t", JOB_ID, "x", 1).toJson();
    task.remove("schema_version");
    assertTrue(rejection(TaskMessage::fromJson, task).contains("schema_version"));
    assertTrue(
        rejection(TaskMessage::fromJson, task.copy().put("schema_version", 0))
            .contains("schema_version"));
  }

  @Test
  void aNonIntegralSchemaVersionIsRefused() {
    // 1.5 is not version 1 (nor is 2^32 + 1, which wraps to 1 as an int).
    JsonObject valid = JobMessage.startJob(JOB_ID).toJson();
    assertTrue(
        rejection(JobMessage::fromJson, valid.copy().put("schema_version", 1.5))
            .contains("schema_version"));
    assertTrue(
        rejection(JobMessage::fromJson, valid.copy().put("schema_version", 4_294_967_297L))
            .contains("schema_version"));
  }

  @Test
  void everyMissingOrMalformedJobFieldIsNamed() {
    JsonObject valid = JobMessage.stageCompleted(JOB_ID, 2).toJson();
    for (String field : new String[] {"type", "job_id", "stage"}) {
      JsonObject m = valid.copy();
      m.remove(field);
      String reason = rejection(JobMessage::fromJson, m);
      assertTrue(reason.contains("'" + field + "'"), reason);
    }
    assertTrue(rejection(JobMessage::fromJson, valid.copy().put("job_id", " ")).contains("job_id"));
    assertTrue(rejection(JobMessage::fromJson, valid.copy().put("job_id", 7)).contains("job_id"));
    assertTrue(rejection(JobMessage::fromJson, valid.copy().put("stage", 0)).contains("stage"));
    assertTrue(rejection(JobMessage::fromJson, valid.copy().put("stage", 1.5)).contains("stage"));
    assertTrue(rejection(JobMessage::fromJson, valid.copy().put("stage", "2")).contains("stage"));
    String type = rejection(JobMessage::fromJson, valid.copy().put("type", "cancel_everything"));
    assertTrue(type.contains("type") && type.contains("cancel_everything"), type);
  }

  @Test
  void everyMissingOrMalformedTaskFieldIsNamed() {
    JsonObject valid = new TaskMessage("t-s1-0", JOB_ID, "hello_world_greeting", 1).toJson();
    for (String field : new String[] {"task_id", "job_id", "task_type", "stage"}) {
      JsonObject m = valid.copy();
      m.remove(field);
      String reason = rejection(TaskMessage::fromJson, m);
      assertTrue(reason.contains("'" + field + "'"), reason);
      assertTrue(reason.startsWith("task message"), reason);
      String blank = rejection(TaskMessage::fromJson, valid.copy().put(field, ""));
      assertTrue(blank.contains("'" + field + "'"), blank);
    }
    assertTrue(rejection(TaskMessage::fromJson, valid.copy().put("stage", -1)).contains("stage"));
  }

  @Test
  void deadLetterEnvelopeKeepsSourceReasonAndOriginal() {
    JsonObject dl = DeadLetter.of("geomachine.jobs", "{oops", "not a JSON object: bad");
    assertEquals(1, dl.getInteger("schema_version"));
    assertEquals("geomachine.jobs", dl.getString("source"));
    assertEquals("not a JSON object: bad", dl.getString("reason"));
    assertEquals("{oops", dl.getString("original"));
    assertTrue(dl.containsKey("dead_lettered_at"));
  }

  @Test
  void destinationsHaveStableLogicalNames() {
    for (Destination d : Destination.values()) {
      assertEquals(d, Destination.fromLogicalName(d.logicalName()));
    }
    assertEquals("jobs", Destination.JOBS.logicalName());
    assertThrows(IllegalArgumentException.class, () -> Destination.fromLogicalName("nowhere"));
  }
}
