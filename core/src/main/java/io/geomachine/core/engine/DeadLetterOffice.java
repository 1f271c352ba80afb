package io.geomachine.core.engine;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.MessageFormatException;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.DeadLetteredMessage;
import io.geomachine.core.repository.DeadLetterRepository;
import io.geomachine.core.repository.DeadLetterRepository.NewDeadLetter;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Everything about dead letters after the fact: a message the broker gave up on (its DLQ, after the
 * configured number of deliveries) is recorded and the task or job it names is failed with the
 * reason; recorded dead letters are listed and re-driven to their queue through the outbox.
 *
 * <p>Messages a consumer could not parse or route are recorded by {@link MessageIntake#deadLetter}.
 */
public final class DeadLetterOffice {
  private static final Logger LOG = Logger.getLogger(DeadLetterOffice.class);

  /** The source of a dead letter the broker moved to its dead-letter address. */
  public static final String BROKER_DLQ = "DLQ";

  /** The reason recorded for a message from the broker's DLQ. */
  public static final String POISON_REASON = "delivery attempts exhausted (broker DLQ)";

  /** The prefix of the error a task or job failed by a poison message gets. */
  public static final String POISON_ERROR = "POISON_MESSAGE";

  /** The lease holder named while the office fails a task (within one transaction). */
  static final String OFFICE_WORKER = "dead-letter-office";

  /** What became of the task or job a poison message named. */
  public enum Action {
    /** The task was open (queued, waiting for or starting a retry): it was failed. */
    TASK_FAILED,
    /**
     * The task was not open for the office: finished, cancelled, running under a worker's lease
     * (the lease watchdog owns it), waiting for a retry not due yet, or its job has ended.
     */
    TASK_NOT_OPEN,
    /** The job command's job was queued or processing: it was failed. */
    JOB_FAILED,
    /** The job command's job had already ended (or does not exist). */
    JOB_NOT_OPEN,
    /** The message names neither a task nor a job (e.g. it is not JSON): only recorded. */
    NOTHING_NAMED
  }

  /** What handling one poison message did. */
  public record PoisonReport(long deadLetterId, String jobId, String taskId, Action action) {}

  /** A re-drive: the dead letter as it is now, and the queue its payload was sent to. */
  public record Redrive(DeadLetteredMessage deadLetter, Destination destination, String queue) {}

  /**
   * The queues a service can re-drive to, by the names a dead letter's source may carry: a queue's
   * physical name (configuration) and its aliases (the consumer channel names services record).
   */
  public static final class RedriveTargets {
    private final Map<String, Destination> byName = new LinkedHashMap<>();
    private final Map<Destination, String> queueNames = new EnumMap<>(Destination.class);

    /** Adds a destination with its physical queue name and the other names it goes by. */
    public RedriveTargets queue(Destination destination, String queueName, String... aliases) {
      if (destination == Destination.DEAD_LETTERS) {
        throw new IllegalArgumentException("dead letters are not re-driven to the dead letters");
      }
      queueNames.put(destination, queueName);
      byName.put(queueName, destination);
      for (String alias : aliases) {
        byName.putIfAbsent(alias, destination);
      }
      return this;
    }

    /** The destination a queue name (or alias) stands for. */
    public Optional<Destination> destinationOf(String name) {
      return Optional.ofNullable(name == null ? null : byName.get(name.trim()));
    }

    /** The physical queue name of a destination. */
    public String queueName(Destination destination) {
      return queueNames.get(destination);
    }

    /** The physical queue names, for messages. */
    public List<String> queueNames() {
      return new ArrayList<>(queueNames.values());
    }
  }

  private final Pool pool;
  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;
  private final DeadLetterRepository deadLetters;
  private final Runnable afterCommitWithMessages;
  private final NamedWorkFailing named;

  public DeadLetterOffice(
      Pool pool,
      JobRepository jobs,
      TaskRepository tasks,
      OutboxRepository outbox,
      DeadLetterRepository deadLetters,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.jobs = jobs;
    this.tasks = tasks;
    this.outbox = outbox;
    this.deadLetters = deadLetters;
    this.afterCommitWithMessages = afterCommitWithMessages;
    this.named = new NamedWorkFailing(jobs, tasks, outbox);
  }

  /**
   * A message from the broker's DLQ: records it (source {@link #BROKER_DLQ}) and, in the same
   * transaction, fails the task it names (through {@code app.complete_task_and_check_stage}, with
   * {@code stage_completed} to the outbox when that ends the stage) or, for a job command, the job
   * if it is still queued or processing (its tasks that have not started are cancelled).
   *
   * @param originalAddress the queue the broker took the message from, when it says (else null)
   */
  public Uni<PoisonReport> recordPoison(Object payload, String originalAddress) {
    String reason =
        originalAddress == null || originalAddress.isBlank()
            ? POISON_REASON
            : POISON_REASON + " from " + originalAddress;
    NewDeadLetter record = NewDeadLetter.of(BROKER_DLQ, MessageIntake.text(payload), reason);
    String error = POISON_ERROR + ": " + reason;
    return pool.withTransaction(
            c ->
                deadLetters
                    .insert(c, record)
                    .chain(
                        id ->
                            named
                                .settle(c, record, error)
                                .map(
                                    action ->
                                        new PoisonReport(
                                            id, record.jobId(), record.taskId(), action))))
        .invoke(
            report -> {
              LOG.warnf(
                  "poison message recorded as dead letter %d (%s): job %s, task %s: %s",
                  report.deadLetterId(), reason, report.jobId(), report.taskId(), report.action());
              if (report.action() == Action.TASK_FAILED) {
                afterCommitWithMessages.run();
              }
            });
  }

  /** A page of dead letters, newest first. */
  public Uni<List<DeadLetteredMessage>> list(DeadLetterRepository.Filter filter) {
    return deadLetters.list(pool, filter);
  }

  /** One dead letter; NOT_FOUND when there is none with that id. */
  public Uni<DeadLetteredMessage> find(long id) {
    return deadLetters.find(pool, id).map(d -> existing(id, d));
  }

  /**
   * Publishes a dead letter's original payload again, through the outbox, to {@code to} or (when
   * null) to the queue it came from, and records the re-drive; one transaction. NOT_FOUND for an
   * unknown id; INVALID_STATE when it cannot be re-driven (its source is not a queue of {@code
   * targets}, or its payload is not a valid message for that queue), with the reason.
   */
  public Uni<Redrive> redrive(long id, Destination to, RedriveTargets targets) {
    return pool.withTransaction(
            c ->
                deadLetters
                    .lock(c, id)
                    .chain(
                        found -> {
                          DeadLetteredMessage d = existing(id, found);
                          Destination destination = to != null ? to : sourceDestination(d, targets);
                          JsonObject message = redrivable(d, destination, targets);
                          return outbox
                              .enqueue(c, destination, message)
                              .chain(() -> deadLetters.markRedriven(c, id))
                              .map(
                                  updated ->
                                      new Redrive(
                                          updated, destination, targets.queueName(destination)));
                        }))
        .invoke(
            r -> {
              LOG.infof("dead letter %d re-driven to %s", id, r.queue());
              afterCommitWithMessages.run();
            });
  }

  private static DeadLetteredMessage existing(long id, DeadLetteredMessage d) {
    if (d == null) {
      throw new GeoMachineException(ErrorCode.NOT_FOUND, "no dead letter with id " + id);
    }
    return d;
  }

  private static Destination sourceDestination(DeadLetteredMessage d, RedriveTargets targets) {
    Optional<Destination> destination = targets.destinationOf(d.source());
    if (destination.isPresent()) {
      return destination.get();
    }
    String why =
        BROKER_DLQ.equals(d.source())
            ? "it came from the broker's DLQ (delivery attempts exhausted), and the task or job it"
                + " names was failed then, so sending it again would change nothing; re-run the"
                + " job (POST /api/jobs/{job_id}/rerun), or name a queue with queue=… to send it"
                + " anyway"
            : "it came from '"
                + d.source()
                + "', which is not a queue it can be re-driven to; name one with queue=…";
    throw refusal(
        d, "dead letter " + d.id() + " cannot be re-driven to its source: " + why, targets);
  }

  /** The payload as the message it must be on {@code destination}; INVALID_STATE otherwise. */
  private static JsonObject redrivable(
      DeadLetteredMessage d, Destination destination, RedriveTargets targets) {
    JsonObject json;
    try {
      json = new JsonObject(d.payload());
    } catch (DecodeException
        | ClassCastException
        | IllegalArgumentException
        | NullPointerException e) {
      throw refusal(
          d,
          "dead letter "
              + d.id()
              + " cannot be re-driven: its payload never parsed as a JSON object (it was"
              + " dead-lettered because: "
              + d.reason()
              + "), so every consumer would refuse it again",
          targets);
    }
    try {
      if (destination == Destination.JOBS) {
        JobMessage.fromJson(json);
      } else {
        TaskMessage.fromJson(json);
      }
    } catch (MessageFormatException e) {
      throw refusal(
          d,
          "dead letter "
              + d.id()
              + " cannot be re-driven to "
              + targets.queueName(destination)
              + ": it is not a valid message for that queue ("
              + e.getMessage()
              + "), so it would be dead-lettered again",
          targets);
    }
    return json;
  }

  private static GeoMachineException refusal(
      DeadLetteredMessage d, String message, RedriveTargets targets) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("dead_letter_id", d.id());
    details.put("source", d.source());
    details.put("redrivable_queues", targets.queueNames());
    return new GeoMachineException(ErrorCode.INVALID_STATE, message, List.of(), details, null);
  }
}
