package io.geomachine.core.engine;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.OutboxRepository.Pending;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to the broker: locks a batch (SKIP LOCKED, so replicas share the work),
 * sends every message and waits for the broker's acknowledgements, then deletes the batch in the
 * same transaction. A crash or broker failure before the delete leaves the rows to be sent again:
 * delivery is at least once, and every consumer is idempotent.
 *
 * <p>It drains when woken (right after a local commit that wrote messages) and on a timer (rows
 * left by a crashed process, retries whose backoff has elapsed).
 */
public final class OutboxRelay {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

  /** Sends one message to a destination; completes when the broker has accepted it. */
  @FunctionalInterface
  public interface Publisher {
    Uni<Void> publish(Destination destination, JsonObject payload);
  }

  private final Pool pool;
  private final OutboxRepository outbox;
  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final Set<Destination> destinations;
  private final Publisher publisher;
  private final int batchSize;
  private final int sendConcurrency;
  private final Duration sendTimeout;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean wokenWhileDraining = new AtomicBoolean();
  private final AtomicLong published = new AtomicLong();
  private volatile long timerId = -1;
  private volatile Vertx vertx;

  public OutboxRelay(
      Pool pool,
      OutboxRepository outbox,
      JobRepository jobs,
      TaskRepository tasks,
      Set<Destination> destinations,
      Publisher publisher,
      int batchSize,
      int sendConcurrency,
      Duration sendTimeout) {
    this.pool = pool;
    this.outbox = outbox;
    this.jobs = jobs;
    this.tasks = tasks;
    this.destinations = Set.copyOf(destinations);
    this.publisher = publisher;
    this.batchSize = batchSize;
    this.sendConcurrency = sendConcurrency;
    this.sendTimeout = sendTimeout;
  }

  /** Starts polling every {@code interval}. */
  public void start(Vertx vertx, Duration interval) {
    this.vertx = vertx;
    timerId = vertx.setPeriodic(interval.toMillis(), id -> wakeUp());
  }

  public void stop() {
    if (vertx != null && timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** Total messages this relay has published. */
  public long publishedCount() {
    return published.get();
  }

  /** Drains now, or right after the drain in progress. Never blocks. */
  public void wakeUp() {
    wokenWhileDraining.set(true);
    if (draining.compareAndSet(false, true)) {
      wokenWhileDraining.set(false);
      drainUntilEmpty()
          .subscribe()
          .with(
              n -> finishDrain(),
              err -> {
                LOG.warnf("outbox relay: %s (will retry)", err.toString());
                draining.set(false);
              });
    }
  }

  private void finishDrain() {
    draining.set(false);
    if (wokenWhileDraining.get()) {
      wakeUp();
    }
  }

  /** Publishes batches until none is full; returns how many messages went out. */
  public Uni<Long> drainUntilEmpty() {
    return Multi.createBy()
        .repeating()
        .uni(this::drainOnce)
        .whilst(n -> n == batchSize)
        .collect()
        .with(java.util.stream.Collectors.summingLong(Integer::longValue));
  }

  /** One batch: lock, send all, delete, commit. */
  public Uni<Integer> drainOnce() {
    return pool.withTransaction(
        c ->
            outbox
                .lockDue(c, destinations, batchSize)
                .chain(
                    rows -> {
                      if (rows.isEmpty()) {
                        return Uni.createFrom().item(0);
                      }
                      return sendAll(rows)
                          .chain(() -> outbox.delete(c, rows.stream().map(Pending::id).toList()))
                          .chain(() -> markPublished(c, rows))
                          .invoke(() -> published.addAndGet(rows.size()))
                          .replaceWith(rows.size());
                    }));
  }

  /**
   * Stamps {@code published_at} on the tasks and queued jobs whose messages just went out, in the
   * batch's transaction: the orphan detector's evidence that a message still unclaimed long after
   * was lost in the broker.
   */
  private Uni<Void> markPublished(SqlClient c, List<Pending> rows) {
    List<String> taskIds = new ArrayList<>();
    List<String> jobIds = new ArrayList<>();
    for (Pending row : rows) {
      JsonObject p = row.payload();
      if (row.destination() == Destination.JOBS) {
        if (JobMessage.Type.START_JOB.wireName().equals(p.getValue("type"))
            && p.getValue("job_id") instanceof String id) {
          jobIds.add(id);
        }
      } else if (row.destination() != Destination.DEAD_LETTERS
          && p.getValue("task_id") instanceof String id) {
        taskIds.add(id);
      }
    }
    return tasks
        .markPublished(c, taskIds, true)
        .chain(() -> jobs.markStartPublished(c, jobIds, true));
  }

  private Uni<Void> sendAll(List<Pending> rows) {
    return Multi.createFrom()
        .iterable(rows)
        .onItem()
        .transformToUni(
            row ->
                publisher
                    .publish(row.destination(), row.payload())
                    .ifNoItem()
                    .after(sendTimeout)
                    .failWith(
                        () ->
                            new IllegalStateException(
                                "broker did not accept a message for "
                                    + row.destination().logicalName()
                                    + " within "
                                    + sendTimeout)))
        .merge(sendConcurrency)
        .collect()
        .last()
        .replaceWithVoid();
  }
}
