package io.geomachine.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place errors become HTTP responses. Domain errors carry their {@link ErrorCode}, whose
 * HTTP status is the one table of statuses; the framework's own errors (unknown route, wrong
 * method, wrong media type, unreadable JSON) are mapped onto the matching code so every error has
 * the same shape. Anything unexpected is a 500 whose body names an error id but never a stack
 * trace.
 */
public class ApiErrorMapper {
  private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class);

  @ServerExceptionMapper
  public RestResponse<ApiError> domain(GeoMachineException e) {
    if (e.code().httpStatus() >= 500) {
      LOG.warnf(e, "%s: %s", e.code(), e.getMessage());
    }
    return respond(ApiError.of(e.code(), e.getMessage(), e.fieldErrors(), e.details()));
  }

  @ServerExceptionMapper
  public RestResponse<ApiError> notFound(NotFoundException e, HttpServerRequest request) {
    return respond(
        ApiError.of(
            ErrorCode.NOT_FOUND, "no resource at " + request.method() + " " + request.path()));
  }

  /** Quarkus REST does not say which methods the path allows, so neither can this answer. */
  @ServerExceptionMapper
  public RestResponse<ApiError> notAllowed(NotAllowedException e, HttpServerRequest request) {
    return respond(
        ApiError.of(
            ErrorCode.METHOD_NOT_ALLOWED,
            "method " + request.method() + " is not allowed on " + request.path()));
  }

  @ServerExceptionMapper
  public RestResponse<ApiError> unsupportedMediaType(
      NotSupportedException e, HttpServerRequest request) {
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return respond(
        ApiError.of(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "Content-Type '"
                + (contentType == null ? "" : contentType)
                + "' is not supported; send "
                + MediaType.APPLICATION_JSON));
  }

  @ServerExceptionMapper
  public RestResponse<ApiError> malformedJson(JsonProcessingException e) {
    return respond(
        ApiError.of(
            ErrorCode.MALFORMED_JSON,
            "the request body is not valid JSON: " + e.getOriginalMessage()));
  }

  @ServerExceptionMapper
  public RestResponse<ApiError> malformedJson(DecodeException e) {
    return respond(
        ApiError.of(
            ErrorCode.MALFORMED_JSON, "the request body is not valid JSON: " + e.getMessage()));
  }

  /** The framework's other HTTP errors, by status. */
  @ServerExceptionMapper
  public RestResponse<ApiError> webApplication(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    ErrorCode code =
        switch (status) {
          case 400 -> ErrorCode.BAD_REQUEST;
          case 404 -> ErrorCode.NOT_FOUND;
          case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
          case 406 -> ErrorCode.NOT_ACCEPTABLE;
          case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
          case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
          default -> null;
        };
    if (code == null) {
      return internalError(e);
    }
    return respond(ApiError.of(code, code.title()));
  }

  @ServerExceptionMapper
  public RestResponse<ApiError> unexpected(Throwable e, HttpServerRequest request) {
    if (request != null && request.response().ended()) {
      // Quarkus answered already: a chunked body over the size limit gets its bare 413 this way.
      // Nothing more reaches the client; this answer is discarded.
      LOG.debugf(
          e, "error after the response was sent for %s %s", request.method(), request.path());
      return respond(ApiError.of(ErrorCode.INTERNAL_ERROR, "the response was already sent"));
    }
    return internalError(e);
  }

  private static RestResponse<ApiError> internalError(Throwable e) {
    String errorId = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected error %s", errorId);
    return respond(
        ApiError.of(
            ErrorCode.INTERNAL_ERROR,
            "internal error; the gateway log has the details under error_id " + errorId,
            List.of(),
            Map.of("error_id", errorId)));
  }

  private static RestResponse<ApiError> respond(ApiError error) {
    return RestResponse.ResponseBuilder.<ApiError>create(error.error().status())
        .entity(error)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .build();
  }
}
