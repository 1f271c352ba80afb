package io.geomachine.gateway;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The API speaks JSON only, errors included. A client whose Accept header rules JSON out (a browser
 * asking for text/html only, say) still gets JSON instead of a 406 with no error code: RFC 9110
 * (12.5.1) lets a server disregard Accept rather than refuse.
 */
public class JsonOnlyFilter {

  @ServerRequestFilter(preMatching = true)
  public void answerInJson(ContainerRequestContext request) {
    boolean acceptsJson =
        request.getAcceptableMediaTypes().stream()
            .anyMatch(type -> type.isCompatible(MediaType.APPLICATION_JSON_TYPE));
    if (!acceptsJson) {
      request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON);
    }
  }
}
