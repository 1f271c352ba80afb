package io.geomachine.core.engine;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.repository.Finished;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.repository.TaskRepository.Completion;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Group commit for task completions. Tasks that finish while a completion transaction is in flight
 * wait for the next one, which completes all of them in one statement and one commit, together with
 * the "stage completed" outbox rows of the stages they finished. Under load this turns one commit
 * per task into one commit per batch; when idle a completion goes out at once.
 */
final class CompletionBatcher {
  private static final Logger LOG = Logger.getLogger(CompletionBatcher.class);
  private static final int MAX_BATCH = 256;
  private static final int MAX_ATTEMPTS = 5;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private record Request(Finished finished, CompletableFuture<Completion> done) {}

  private final Pool pool;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;
  private final Runnable afterCommitWithMessages;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushing = new AtomicBoolean();

  CompletionBatcher(
      Pool pool, TaskRepository tasks, OutboxRepository outbox, Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.tasks = tasks;
    this.outbox = outbox;
    this.afterCommitWithMessages = afterCommitWithMessages;
  }

  /** Completes one task; blocks until its batch has committed. */
  Completion complete(Finished finished) {
    CompletableFuture<Completion> done = new CompletableFuture<>();
    queue.add(new Request(finished, done));
    kick();
    try {
      return done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re
          ? re
          : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("task completion did not commit within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void kick() {
    if (!flushing.compareAndSet(false, true)) {
      return;
    }
    List<Request> batch = new ArrayList<>();
    Request r;
    while (batch.size() < MAX_BATCH && (r = queue.poll()) != null) {
      batch.add(r);
    }
    if (batch.isEmpty()) {
      flushing.set(false);
      if (!queue.isEmpty()) {
        kick();
      }
      return;
    }
    // A stable lock order across concurrent batches (other workers): by job, stage, task.
    batch.sort(
        Comparator.comparing((Request q) -> q.finished().jobId())
            .thenComparingInt(q -> q.finished().stage())
            .thenComparing(q -> q.finished().taskId()));
    commit(batch, 1)
        .subscribe()
        .with(
            completions -> {
              for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(completions.get(i));
              }
              List<Finished> finished = batch.stream().map(Request::finished).toList();
              if (!stageMessages(finished, completions).isEmpty()) {
                afterCommitWithMessages.run();
              }
              flushing.set(false);
              kick();
            },
            failure -> {
              batch.forEach(q -> q.done().completeExceptionally(failure));
              flushing.set(false);
              kick();
            });
  }

  private Uni<List<Completion>> commit(List<Request> batch, int attempt) {
    List<Finished> finished = batch.stream().map(Request::finished).toList();
    return pool.withTransaction(
            c ->
                tasks
                    .completeAll(c, finished)
                    .call(
                        completions ->
                            outbox.enqueue(
                                c, Destination.JOBS, stageMessages(finished, completions))))
        .onFailure(CompletionBatcher::isTransient)
        .recoverWithUni(
            e -> {
              if (attempt >= MAX_ATTEMPTS) {
                return Uni.createFrom().failure(e);
              }
              LOG.debugf("completion batch of %d retried after %s", batch.size(), e.getMessage());
              return commit(batch, attempt + 1);
            });
  }

  private static List<JsonObject> stageMessages(
      List<Finished> finished, List<Completion> completions) {
    Set<String> seen = new LinkedHashSet<>();
    List<JsonObject> messages = new ArrayList<>();
    for (int i = 0; i < finished.size(); i++) {
      Finished f = finished.get(i);
      Completion done = completions.get(i);
      if (done.lastTaskInStage() && seen.add(f.jobId() + "/" + f.stage())) {
        messages.add(JobMessage.stageCompleted(f.jobId(), f.stage()).toJson());
      } else if (done.taskUpdated()
          && f.error() != null
          && seen.add(f.jobId() + "/" + f.stage() + "/failed")) {
        // Not the stage's last task: tell the orchestrator now, so a FAIL_JOB job ends at once.
        messages.add(JobMessage.taskFailed(f.jobId(), f.stage()).toJson());
      }
    }
    return messages;
  }

  /** Deadlock or serialization failure: safe to run the whole batch again. */
  private static boolean isTransient(Throwable t) {
    return t instanceof PgException pg
        && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }
}
