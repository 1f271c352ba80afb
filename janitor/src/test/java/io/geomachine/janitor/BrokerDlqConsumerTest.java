package io.geomachine.janitor;

import static io.geomachine.janitor.JanitorFixture.JOBS;
import static io.geomachine.janitor.JanitorFixture.TIMEOUT;
import static io.geomachine.janitor.JanitorFixture.queued;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSenderOptions;
import io.vertx.mutiny.amqp.AmqpClient;
import io.vertx.mutiny.amqp.AmqpConnection;
import io.vertx.mutiny.amqp.AmqpMessage;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The janitor's consumer of the broker's dead-letter address: a poison message is recorded in
 * app.dead_letters, and the task or job it names is failed with POISON_MESSAGE, ending the stage
 * (stage_completed on the jobs queue) when the task was the last one open.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = OrphanDetectorTest.DATABASE))
@WithTestResource(EmbeddedArtemisResource.class)
class BrokerDlqConsumerTest {
  private static final String REASON = "delivery attempts exhausted (broker DLQ)";

  @Inject JanitorFixture fx;
  @Inject TestDlqSender dlq;
  @Inject Pool pool;
  @Inject Vertx vertx;

  @BeforeEach
  void cleanSlate() {
    fx.reset();
    fx.update("DELETE FROM app.dead_letters");
  }

  @Test
  void aTaskMessageInTheDlqIsRecordedItsTaskFailedAndItsStageCompleted() {
    String jobId = fx.processingJobWithFinishedTasks(1);
    String taskId =
        row("SELECT task_id FROM app.tasks WHERE parent_job_id = $1 AND status = 'queued'", jobId)
            .getString("task_id");
    String poison =
        new TaskMessage(taskId, jobId, HelloWorldJob.GREETING_TASK, 1).toJson().encode();

    dlq.send(poison);

    Row dead = awaitDeadLetter();
    assertEquals("DLQ", dead.getString("source"));
    assertEquals(REASON, dead.getString("reason"));
    assertEquals(poison, dead.getString("payload"));
    assertEquals(jobId, dead.getString("job_id"));
    assertEquals(taskId, dead.getString("task_id"));
    Row task =
        row(
            "SELECT status::text AS status, error_details FROM app.tasks WHERE task_id = $1",
            taskId);
    assertEquals("failed", task.getString("status"));
    assertEquals("POISON_MESSAGE: " + REASON, task.getString("error_details"));
    // The failed task was the last open one of stage 1: its stage_completed reaches the jobs queue.
    await().atMost(TIMEOUT).until(() -> queued(JOBS) == 1);
    assertEquals(List.of(JobMessage.stageCompleted(jobId, 1).toJson()), fx.drainJobsQueue());
    assertEquals(0, queued("DLQ"), "the DLQ message was acknowledged");
  }

  @Test
  void aJobCommandThatKeepsCrashingItsConsumerEndsInTheDlqAndFailsItsJob() {
    String jobId = fx.queuedJob();
    String command = JobMessage.startJob(jobId).toJson().encode();
    AtomicInteger deliveries = new AtomicInteger();
    AmqpClient client = client();
    try {
      AmqpConnection connection = client.connectAndAwait();
      // A consumer of the jobs queue that crashes on every delivery (the broker counts each one).
      connection
          .createReceiverAndAwait(
              JOBS, new AmqpReceiverOptions().addCapability("queue").setAutoAcknowledgement(false))
          .handler(
              m -> {
                deliveries.incrementAndGet();
                m.modified(true, false);
              });
      connection
          .createSenderAndAwait(JOBS, new AmqpSenderOptions().addCapability("queue"))
          .sendWithAckAndAwait(AmqpMessage.create().withBody(command).durable(true).build());

      Row dead = awaitDeadLetter();
      assertEquals(EmbeddedArtemisResource.MAX_DELIVERY_ATTEMPTS, deliveries.get());
      assertEquals("DLQ", dead.getString("source"));
      assertEquals(REASON + " from " + JOBS, dead.getString("reason"));
      assertEquals(command, dead.getString("payload"));
      assertEquals(jobId, dead.getString("job_id"));
      assertNull(dead.getString("task_id"));
    } finally {
      client.closeAndAwait();
    }
    await().atMost(TIMEOUT).until(() -> fx.status(jobId) == JobStatus.FAILED);
    assertEquals(
        "POISON_MESSAGE: " + REASON + " from " + JOBS,
        row("SELECT error_details FROM app.jobs WHERE job_id = $1", jobId)
            .getString("error_details"));
    assertEquals(0, queued(JOBS));
  }

  @Test
  void anUnreadableMessageInTheDlqIsRecordedAsItArrivedAndChangesNothingElse() {
    String jobId = fx.queuedJob();
    String garbage = "not a message at all " + UUID.randomUUID();

    dlq.send(garbage);

    Row dead = awaitDeadLetter();
    assertEquals(garbage, dead.getString("payload"));
    assertEquals(REASON, dead.getString("reason"));
    assertNull(dead.getString("job_id"));
    assertNull(dead.getString("task_id"));
    assertEquals(JobStatus.QUEUED, fx.status(jobId));
    assertEquals(0, fx.count("SELECT count(*) FROM app.outbox"));
  }

  private Row awaitDeadLetter() {
    await().atMost(TIMEOUT).until(() -> fx.count("SELECT count(*) FROM app.dead_letters") > 0);
    assertEquals(1, fx.count("SELECT count(*) FROM app.dead_letters"), "exactly one dead letter");
    return row("SELECT * FROM app.dead_letters");
  }

  private Row row(String sql, Object... args) {
    var rows = JanitorFixture.join(pool.preparedQuery(sql).execute(Tuple.from(args)));
    assertEquals(1, rows.rowCount(), sql);
    return rows.iterator().next();
  }

  private AmqpClient client() {
    return AmqpClient.create(
        vertx,
        new AmqpClientOptions()
            .setHost("127.0.0.1")
            .setPort(EmbeddedArtemisResource.port())
            .setUsername("test")
            .setPassword("test"));
  }
}
