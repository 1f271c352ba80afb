package io.geomachine.gateway;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.geomachine.core.engine.DeadLetterOffice;
import io.geomachine.core.engine.DeadLetterOffice.RedriveTargets;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.JobIds;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.model.DeadLetteredMessage;
import io.geomachine.core.repository.DeadLetterRepository.Filter;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDateTime;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Dead-lettered messages for operators: every message a consumer could not parse or route, and
 * every message the broker gave up on (source {@code DLQ}), with the reason; and re-driving one to
 * its queue once whatever refused it is fixed.
 */
@Path("/api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dead letters")
public class DeadLetterResource {
  @Inject DeadLetterOffice office;
  @Inject GatewayConfig config;

  @ConfigProperty(name = "geomachine.queues.jobs")
  String jobsQueue;

  @ConfigProperty(name = "geomachine.queues.raster-tasks")
  String rasterTasksQueue;

  @ConfigProperty(name = "geomachine.queues.vector-tasks")
  String vectorTasksQueue;

  /** A dead letter as the API shows it. */
  @JsonNaming(SnakeCaseStrategy.class)
  public record DeadLetterView(
      long id,
      @Schema(description = "the queue or consumer channel it came from, or DLQ (the broker's)")
          String source,
      String reason,
      @Schema(description = "the original message, as text") String payload,
      String jobId,
      String taskId,
      LocalDateTime deadLetteredAt,
      LocalDateTime redrivenAt,
      int redriveCount) {
    static DeadLetterView of(DeadLetteredMessage d) {
      return new DeadLetterView(
          d.id(),
          d.source(),
          d.reason(),
          d.payload(),
          d.jobId(),
          d.taskId(),
          d.deadLetteredAt(),
          d.redrivenAt(),
          d.redriveCount());
    }
  }

  @JsonNaming(SnakeCaseStrategy.class)
  public record DeadLetterPage(
      List<DeadLetterView> deadLetters, int limit, int offset, int count) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record Redriven(
      @Schema(description = "the queue the message was sent to again") String queue,
      DeadLetterView deadLetter) {}

  @GET
  @Operation(summary = "List dead-lettered messages, newest first")
  @APIResponse(responseCode = "200", description = "A page of dead letters")
  @APIResponse(responseCode = "400", description = "INVALID_QUERY naming the parameter")
  public Uni<DeadLetterPage> list(
      @Parameter(description = "only from this source (a queue or consumer channel, or DLQ)")
          @RestQuery
          String source,
      @Parameter(description = "only those naming this job id") @RestQuery("job_id") String jobId,
      @Parameter(description = "ISO-8601 date or date-time (UTC unless an offset is given)")
          @RestQuery
          String since,
      @Parameter(description = "page size, 1 to 500, default 50") @RestQuery String limit,
      @Parameter(description = "dead letters to skip, default 0") @RestQuery String offset) {
    QueryParams query = new QueryParams();
    LocalDateTime from = query.instant("since", since);
    int pageSize = query.integer("limit", limit, config.defaultPageSize(), 1, config.maxPageSize());
    int skip = query.integer("offset", offset, 0, 0, Integer.MAX_VALUE);
    String job = blankToNull(jobId);
    if (job != null && !JobIds.isWellFormed(job)) {
      query.missing(
          "job_id", "must be a job id, 64 lower-case hexadecimal characters (got '" + jobId + "')");
    }
    query.requireValid();
    return office
        .list(new Filter(blankToNull(source), job, from, pageSize, skip))
        .map(
            page ->
                new DeadLetterPage(
                    page.stream().map(DeadLetterView::of).toList(), pageSize, skip, page.size()));
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One dead-lettered message")
  @APIResponse(responseCode = "200", description = "The dead letter")
  @APIResponse(responseCode = "400", description = "BAD_REQUEST: the id is not a number")
  @APIResponse(responseCode = "404", description = "NOT_FOUND")
  public Uni<DeadLetterView> get(@RestPath("id") String id) {
    return office.find(parseId(id)).map(DeadLetterView::of);
  }

  @POST
  @Path("/{id}/redrive")
  @Operation(
      summary = "Send a dead-lettered message again",
      description =
          "Publishes the original message again (through the outbox) to the queue it came from,"
              + " or to the queue named by queue= (a message that went to the wrong queue), and"
              + " records the re-drive. A message that never parsed, that is not a valid message"
              + " for the queue, or that came from the broker's DLQ (its task or job was failed"
              + " then) is refused with the reason.")
  @APIResponse(
      responseCode = "202",
      description = "Queued for publication",
      content = @Content(schema = @Schema(implementation = Redriven.class)))
  @APIResponse(responseCode = "400", description = "BAD_REQUEST or INVALID_QUERY (queue)")
  @APIResponse(responseCode = "404", description = "NOT_FOUND")
  @APIResponse(
      responseCode = "409",
      description = "INVALID_STATE: it cannot be re-driven; the message says why")
  public Uni<RestResponse<Redriven>> redrive(
      @RestPath("id") String id,
      @Parameter(
              description =
                  "send it to this queue instead of its source (a configured queue name, e.g."
                      + " geomachine.tasks.raster)")
          @RestQuery
          String queue) {
    long deadLetterId = parseId(id);
    RedriveTargets targets = targets();
    Destination to = null;
    if (blankToNull(queue) != null) {
      QueryParams query = new QueryParams();
      to = targets.destinationOf(queue).orElse(null);
      if (to == null) {
        query.missing(
            "queue",
            "must be one of " + String.join(", ", targets.queueNames()) + " (got '" + queue + "')");
      }
      query.requireValid();
    }
    return office
        .redrive(deadLetterId, to, targets)
        .map(
            r ->
                RestResponse.status(
                    RestResponse.Status.ACCEPTED,
                    new Redriven(r.queue(), DeadLetterView.of(r.deadLetter()))));
  }

  /**
   * The queues a dead letter can go back to: by their configured names, and by the consumer channel
   * names the services record as a dead letter's source (the keys of geomachine.queues.*).
   */
  private RedriveTargets targets() {
    return new RedriveTargets()
        .queue(Destination.JOBS, jobsQueue, "jobs")
        .queue(Destination.RASTER_TASKS, rasterTasksQueue, "raster-tasks")
        .queue(Destination.VECTOR_TASKS, vectorTasksQueue, "vector-tasks");
  }

  private static long parseId(String id) {
    try {
      long value = Long.parseLong(id.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GeoMachineException(
        ErrorCode.BAD_REQUEST, "dead letter id '" + id + "' is malformed: a positive integer");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
