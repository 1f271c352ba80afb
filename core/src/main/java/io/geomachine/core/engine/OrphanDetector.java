package io.geomachine.core.engine;

import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.repository.JanitorRunRepository;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.JobRepository.StuckJob;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.repository.WaitingTask;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The janitor's orphan detector: finds work whose next message was lost and sends that message
 * again, through the outbox:
 *
 * <ul>
 *   <li>a stage that finished but never advanced ({@code stage_completed}, after {@code
 *       stalledForSeconds} with no message waiting in the outbox);
 *   <li>a job still queued although its {@code start_job} went to the broker more than {@code
 *       requeueAfterSeconds} ago;
 *   <li>a task still waiting to be claimed (queued, or a due retry) although its message went to
 *       the broker more than {@code requeueAfterSeconds} ago.
 * </ul>
 *
 * <p>"Went to the broker" is {@code published_at}, stamped by the outbox relay when it sends the
 * message and cleared while a message waits in the outbox, so a message still in the outbox is
 * never duplicated, and a re-sent one is stamped again when it goes out (a task is re-sent at most
 * once per threshold). A legitimate backlog older than the threshold is sent twice; that is
 * harmless, because claims and commands are guarded, but it costs broker work, so the threshold
 * must exceed the longest expected queue wait (docs/reliability.md).
 *
 * <p>One transaction per pass, under an advisory lock, so janitor replicas never act twice.
 */
public final class OrphanDetector {
  /** Thresholds of one pass. */
  public record Thresholds(int stalledForSeconds, int requeueAfterSeconds, int limit) {}

  private final Pool pool;
  private final JobRegistry registry;
  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;
  private final JanitorRunRepository runs;
  private final Runnable afterCommitWithMessages;

  public OrphanDetector(
      Pool pool,
      JobRegistry registry,
      JobRepository jobs,
      TaskRepository tasks,
      OutboxRepository outbox,
      JanitorRunRepository runs,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.registry = registry;
    this.jobs = jobs;
    this.tasks = tasks;
    this.outbox = outbox;
    this.runs = runs;
    this.afterCommitWithMessages = afterCommitWithMessages;
  }

  public Uni<PassReport> run(Thresholds t) {
    return LockedPass.run(
        pool, runs, JanitorRunType.ORPHAN_DETECTOR, c -> pass(c, t), afterCommitWithMessages);
  }

  private Uni<PassReport> pass(SqlClient c, Thresholds t) {
    return jobs.stagesFinishedButNotAdvanced(c, t.stalledForSeconds(), t.limit())
        .chain(
            stalled ->
                jobs.queuedButNotStarted(c, t.requeueAfterSeconds(), t.limit())
                    .chain(
                        unstarted ->
                            tasks
                                .publishedButNotClaimed(c, t.requeueAfterSeconds(), t.limit())
                                .chain(waiting -> redrive(c, stalled, unstarted, waiting))));
  }

  private Uni<PassReport> redrive(
      SqlClient c, List<StuckJob> stalled, List<StuckJob> unstarted, List<WaitingTask> waiting) {
    List<JsonObject> jobMessages = new ArrayList<>(stalled.size() + unstarted.size());
    stalled.forEach(j -> jobMessages.add(JobMessage.stageCompleted(j.jobId(), j.stage()).toJson()));
    unstarted.forEach(j -> jobMessages.add(JobMessage.startJob(j.jobId()).toJson()));
    Map<Destination, List<JsonObject>> taskMessages = new EnumMap<>(Destination.class);
    JsonArray republished = new JsonArray();
    for (WaitingTask w : waiting) {
      Destination queue = TaskQueues.of(registry, w.jobType(), w.stage());
      if (queue != Destination.DEAD_LETTERS) {
        taskMessages
            .computeIfAbsent(queue, k -> new ArrayList<>())
            .add(new TaskMessage(w.taskId(), w.jobId(), w.taskType(), w.stage()).toJson());
        republished.add(w.taskId());
      }
    }
    JsonObject actions =
        new JsonObject()
            .put("stage_advance_redriven", ids(stalled))
            .put("start_redriven", ids(unstarted))
            .put("task_messages_republished", republished);
    int fixed = jobMessages.size() + republished.size();
    int scanned = jobMessages.size() + waiting.size();
    // Their messages wait in the outbox again: not "sent long ago" until the relay sends them.
    List<String> taskIds = republished.stream().map(String.class::cast).toList();
    List<String> jobIds = unstarted.stream().map(StuckJob::jobId).toList();
    Uni<Void> writes =
        outbox
            .enqueue(c, Destination.JOBS, jobMessages)
            .chain(() -> tasks.markPublished(c, taskIds, false))
            .chain(() -> jobs.markStartPublished(c, jobIds, false));
    for (Map.Entry<Destination, List<JsonObject>> e : taskMessages.entrySet()) {
      writes = writes.chain(() -> outbox.enqueue(c, e.getKey(), e.getValue()));
    }
    return writes.replaceWith(new PassReport(false, scanned, fixed, actions));
  }

  private static JsonArray ids(List<StuckJob> jobs) {
    JsonArray out = new JsonArray();
    jobs.forEach(j -> out.add(j.jobId() + "/stage-" + j.stage()));
    return out;
  }
}
