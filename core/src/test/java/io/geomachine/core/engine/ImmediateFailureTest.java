package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Under FAIL_JOB a job fails as soon as one task fails for good, not when its stage ends: the tasks
 * that have not started are cancelled and never run.
 */
class ImmediateFailureTest {
  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_immediate_failure");
    h = new EngineHarness(db.pool());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /** Greets, except that greeting number 0 fails permanently. */
  static final class FirstGreetingFails implements TaskHandler {
    @Override
    public String taskType() {
      return HelloWorldJob.GREETING_TASK;
    }

    @Override
    public JsonObject handle(TaskInput input) throws TaskFailure {
      if (input.taskIndex().equals("0")) {
        throw TaskFailure.permanent("BAD_INPUT", "greeting 0 cannot be sent");
      }
      return new JsonObject().put("index", 1).put("greeting", "hi");
    }
  }

  @Test
  void theFirstPermanentFailureEndsTheJobAndCancelsTheTasksNotStarted() {
    JsonObject params = new JsonObject().put("n", 3).put("message", "fail fast");
    String jobId = Sql.await(h.quietSubmission().submit("hello_world", params)).job().jobId();
    CoreMachine machine = h.quietMachine();
    TaskExecutor executor = h.quietExecutor(List.of(new FirstGreetingFails()));
    h.publishAll();
    for (JsonObject m : h.take(Destination.JOBS)) {
      Sql.await(machine.handle(JobMessage.fromJson(m)));
    }
    h.publishAll();
    List<JsonObject> greetings = h.take(Destination.RASTER_TASKS);
    assertEquals(3, greetings.size());
    TaskMessage first =
        greetings.stream()
            .map(TaskMessage::fromJson)
            .filter(t -> t.taskId().endsWith("-s1-0"))
            .findFirst()
            .orElseThrow();

    assertEquals(TaskExecutor.Outcome.FAILED, executor.execute(first));
    h.publishAll();
    List<JsonObject> commands = h.take(Destination.JOBS);
    assertEquals(1, commands.size());
    assertEquals(JobMessage.Type.TASK_FAILED, JobMessage.fromJson(commands.get(0)).type());
    Sql.await(machine.handle(JobMessage.fromJson(commands.get(0))));

    Job job = h.job(jobId);
    assertEquals(JobStatus.FAILED, job.status());
    assertEquals(
        "stage 1 (greet): 1 of 3 tasks failed; first error: BAD_INPUT: greeting 0 cannot be sent",
        job.errorDetails());
    assertEquals(1, job.stageResults().getJsonObject("1").getInteger("failed"));
    assertEquals(2, h.taskCount(jobId, 1, "cancelled"));
    for (JsonObject other : greetings) {
      TaskMessage m = TaskMessage.fromJson(other);
      if (!m.taskId().equals(first.taskId())) {
        assertEquals(TaskExecutor.Outcome.SKIPPED, executor.execute(m));
      }
    }
    assertEquals(0, h.taskCount(jobId, 2, null));
  }
}
