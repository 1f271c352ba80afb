package io.geomachine.gateway;

import io.geomachine.core.engine.JobQueries;
import io.geomachine.core.engine.JobSubmission;
import io.geomachine.core.engine.JobSubmission.Submission;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.repository.JobRepository.JobFilter;
import io.geomachine.gateway.JobViews.JobAccepted;
import io.geomachine.gateway.JobViews.JobDetail;
import io.geomachine.gateway.JobViews.JobPage;
import io.geomachine.gateway.JobViews.TaskPage;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.LocalDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Submitting, inspecting and re-running jobs. Each method parses its input, calls one domain
 * service and maps the result; errors are thrown as they come and shaped by {@link ApiErrorMapper}.
 */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
public class JobResource {
  @Inject JobSubmission submission;
  @Inject JobQueries queries;
  @Inject JobRegistry registry;
  @Inject GatewayConfig config;
  @Inject MeterRegistry metrics;

  @POST
  @Path("/submit/{job_type}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit a job",
      description =
          "The body is the job's parameters as a JSON object (empty body: all defaults). The job id"
              + " is derived from the job type and the parameters that identify the job, so"
              + " submitting the same job again returns the existing one (200) instead of queueing"
              + " it twice.")
  @RequestBody(
      required = false,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.OBJECT),
              example = "{\"n\": 5, \"message\": \"Hello\"}"))
  @APIResponse(
      responseCode = "202",
      description = "A new job, queued",
      content = @Content(schema = @Schema(implementation = JobAccepted.class)))
  @APIResponse(responseCode = "200", description = "The job existed already")
  @APIResponse(responseCode = "400", description = "INVALID_PARAMETERS or MALFORMED_JSON")
  @APIResponse(responseCode = "404", description = "UNKNOWN_JOB_TYPE (details.valid_job_types)")
  @APIResponse(responseCode = "413", description = "PAYLOAD_TOO_LARGE")
  @APIResponse(responseCode = "415", description = "UNSUPPORTED_MEDIA_TYPE")
  public Uni<RestResponse<JobAccepted>> submit(
      @Parameter(description = "a job type or one of its aliases, see GET /api/jobs/types")
          @RestPath("job_type")
          String jobType,
      @RestHeader(HttpHeaders.CONTENT_TYPE) String contentType,
      String body) {
    JsonObject parameters = parametersFrom(contentType, body);
    return submission.submit(jobType, parameters).map(this::accepted);
  }

  @GET
  @Path("/status/{job_id}")
  @Operation(summary = "A job with its progress")
  @APIResponse(responseCode = "200", description = "The job")
  @APIResponse(responseCode = "400", description = "MALFORMED_JOB_ID")
  @APIResponse(responseCode = "404", description = "JOB_NOT_FOUND")
  public Uni<JobDetail> status(@RestPath("job_id") String jobId) {
    return queries.status(jobId).map(view -> JobViews.detail(view, stageNames(view.job())));
  }

  @GET
  @Operation(summary = "List jobs, newest first")
  @APIResponse(responseCode = "200", description = "A page of jobs")
  @APIResponse(responseCode = "400", description = "INVALID_QUERY naming the parameter")
  public Uni<JobPage> list(
      @Parameter(description = "queued, processing, completed, failed, ...") @RestQuery
          String status,
      @Parameter(description = "a job type or alias") @RestQuery("job_type") String jobType,
      @Parameter(description = "ISO-8601 date or date-time (UTC unless an offset is given)")
          @RestQuery("created_since")
          String createdSince,
      @Parameter(description = "page size, 1 to 500, default 50") @RestQuery String limit,
      @Parameter(description = "jobs to skip, default 0") @RestQuery String offset) {
    QueryParams query = new QueryParams();
    JobStatus wantedStatus = query.oneOf("status", status, JobStatus.values(), JobStatus::sqlValue);
    LocalDateTime since = query.instant("created_since", createdSince);
    int pageSize = pageSize(query, limit);
    int skip = query.integer("offset", offset, 0, 0, Integer.MAX_VALUE);
    query.requireValid();
    JobFilter filter =
        new JobFilter(wantedStatus, canonicalJobType(jobType), since, pageSize, skip);
    return queries
        .list(filter)
        .map(
            jobs ->
                new JobPage(
                    jobs.stream().map(JobViews::summary).toList(), pageSize, skip, jobs.size()));
  }

  @GET
  @Path("/{job_id}/tasks")
  @Operation(summary = "A job's tasks, in stage and task-index order")
  @APIResponse(responseCode = "200", description = "A page of tasks (empty before stage 1 starts)")
  @APIResponse(responseCode = "400", description = "MALFORMED_JOB_ID or INVALID_QUERY")
  @APIResponse(responseCode = "404", description = "JOB_NOT_FOUND")
  public Uni<TaskPage> tasks(
      @RestPath("job_id") String jobId,
      @Parameter(description = "only this stage (1-based)") @RestQuery String stage,
      @Parameter(description = "queued, processing, completed, failed, ...") @RestQuery
          String status,
      @Parameter(description = "page size, 1 to 500, default 50") @RestQuery String limit,
      @Parameter(description = "tasks to skip, default 0") @RestQuery String offset) {
    JobQueries.requireWellFormed(jobId);
    QueryParams query = new QueryParams();
    Integer wantedStage = query.optionalInteger("stage", stage, 1, Integer.MAX_VALUE);
    TaskStatus wantedStatus =
        query.oneOf("status", status, TaskStatus.values(), TaskStatus::sqlValue);
    int pageSize = pageSize(query, limit);
    int skip = query.integer("offset", offset, 0, 0, Integer.MAX_VALUE);
    query.requireValid();
    return queries
        .tasks(jobId, wantedStage, wantedStatus, pageSize, skip)
        .map(
            tasks ->
                new TaskPage(
                    jobId,
                    tasks.stream().map(JobViews::task).toList(),
                    pageSize,
                    skip,
                    tasks.size()));
  }

  @POST
  @Path("/{job_id}/rerun")
  @Operation(
      summary = "Re-run a failed, partly failed or cancelled job",
      description =
          "The documented way to run a finished job again: its tasks are deleted and it starts"
              + " again from stage 1 with its stored parameters, under the same id. Not"
              + " destructive in the API's sense: the job's earlier results are replaced by the new"
              + " run's.")
  @APIResponse(
      responseCode = "202",
      description = "Queued again",
      content = @Content(schema = @Schema(implementation = JobAccepted.class)))
  @APIResponse(responseCode = "400", description = "MALFORMED_JOB_ID")
  @APIResponse(responseCode = "404", description = "JOB_NOT_FOUND")
  @APIResponse(
      responseCode = "409",
      description = "INVALID_STATE: the job is queued, running or completed")
  public Uni<RestResponse<JobAccepted>> rerun(@RestPath("job_id") String jobId) {
    JobQueries.requireWellFormed(jobId);
    return submission
        .rerun(jobId)
        .map(job -> withLocation(RestResponse.Status.ACCEPTED, JobViews.accepted(job, false)));
  }

  @POST
  @Path("/{job_id}/cancel")
  @Operation(
      summary = "Cancel a queued or running job",
      description =
          "Tasks that have not started are cancelled at once; running tasks stop at their next"
              + " heartbeat. A cancelled job can be re-run.")
  @APIResponse(
      responseCode = "202",
      description = "Cancelled",
      content = @Content(schema = @Schema(implementation = JobAccepted.class)))
  @APIResponse(responseCode = "400", description = "MALFORMED_JOB_ID")
  @APIResponse(responseCode = "404", description = "JOB_NOT_FOUND")
  @APIResponse(responseCode = "409", description = "INVALID_STATE: the job has already finished")
  public Uni<RestResponse<JobAccepted>> cancel(@RestPath("job_id") String jobId) {
    JobQueries.requireWellFormed(jobId);
    return submission
        .cancel(jobId)
        .map(job -> withLocation(RestResponse.Status.ACCEPTED, JobViews.accepted(job, false)));
  }

  /**
   * The body as parameters. An absent body means "all defaults"; a present one must be declared
   * JSON (a missing Content-Type is not) and be a JSON object.
   */
  private static JsonObject parametersFrom(String contentType, String body) {
    if (body == null || body.isBlank()) {
      return new JsonObject();
    }
    if (contentType == null) {
      throw new GeoMachineException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "the request has a body but no Content-Type; send " + MediaType.APPLICATION_JSON);
    }
    Object parsed = Json.decodeValue(body); // DecodeException -> MALFORMED_JSON (ApiErrorMapper)
    if (parsed instanceof JsonObject parameters) {
      return parameters;
    }
    throw new GeoMachineException(
        ErrorCode.MALFORMED_JSON,
        "the request body must be a JSON object of parameters, not "
            + (parsed == null ? "null" : parsed.getClass().getSimpleName()));
  }

  private RestResponse<JobAccepted> accepted(Submission s) {
    Job job = s.job();
    metrics
        .counter(
            "geomachine.jobs.submitted",
            "job_type",
            job.jobType(),
            "created",
            String.valueOf(s.created()))
        .increment();
    RestResponse.Status status =
        s.created() ? RestResponse.Status.ACCEPTED : RestResponse.Status.OK;
    return withLocation(status, JobViews.accepted(job, s.created()));
  }

  private static RestResponse<JobAccepted> withLocation(
      RestResponse.Status status, JobAccepted accepted) {
    return RestResponse.ResponseBuilder.create(status, accepted)
        .location(URI.create(accepted.links().status()))
        .build();
  }

  private int pageSize(QueryParams query, String limit) {
    return query.integer("limit", limit, config.defaultPageSize(), 1, config.maxPageSize());
  }

  /**
   * Lets clients filter by an alias too; a name nobody registered is kept (and matches nothing).
   */
  private String canonicalJobType(String jobType) {
    if (jobType == null || jobType.isBlank()) {
      return null;
    }
    return registry.find(jobType).map(JobDefinition::jobType).orElse(jobType);
  }

  private List<String> stageNames(Job job) {
    return registry
        .find(job.jobType())
        .map(JobDefinition::stages)
        .map(stages -> stages.stream().map(StageDefinition::name).toList())
        .orElse(List.of());
  }
}
