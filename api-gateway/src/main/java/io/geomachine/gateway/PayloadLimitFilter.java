package io.geomachine.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geomachine.core.error.ErrorCode;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives Quarkus' body-size limit ({@code quarkus.http.limits.max-body-size}) the API's error shape.
 * Quarkus enforces the limit in a Vert.x route that answers a bare 413 before any REST code runs,
 * so no exception mapper ever sees it; this filter runs just before that route and answers the same
 * requests (declared Content-Length over the limit) with a PAYLOAD_TOO_LARGE body. A chunked body
 * without a Content-Length that grows past the limit is still cut off by Quarkus with a bare 413.
 */
@ApplicationScoped
public class PayloadLimitFilter {
  /** Runs before Quarkus' own upload-limit route (order -2; a filter's order is -priority). */
  private static final int PRIORITY = 100;

  @Inject ObjectMapper json;

  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  Optional<MemorySize> maxBodySize;

  void register(@Observes Filters filters) {
    maxBodySize.ifPresent(
        limit -> filters.register(ctx -> check(ctx, limit.asLongValue()), PRIORITY));
  }

  private void check(RoutingContext ctx, long limit) {
    HttpServerRequest request = ctx.request();
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared == null || !isOver(declared, limit)) {
      ctx.next();
      return;
    }
    ApiError error =
        ApiError.of(
            ErrorCode.PAYLOAD_TOO_LARGE,
            "the request body is " + declared + " bytes; the limit is " + limit + " bytes");
    String body;
    try {
      body = json.writeValueAsString(error);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an ApiError always serialises", e);
    }
    // The body was not read, so the connection cannot be reused: close it once answered, as
    // Quarkus does.
    ctx.response()
        .setStatusCode(error.error().status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .endHandler(v -> request.connection().close())
        .end(body);
  }

  private static boolean isOver(String declaredLength, long limit) {
    try {
      return Long.parseLong(declaredLength.trim()) > limit;
    } catch (NumberFormatException e) {
      return false; // Vert.x rejects a malformed Content-Length itself
    }
  }
}
