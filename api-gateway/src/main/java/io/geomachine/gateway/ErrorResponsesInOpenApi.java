package io.geomachine.gateway;

import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents the one error shape on every error response of the OpenAPI document, so the resources
 * only name their error codes (registered as {@code mp.openapi.filter}).
 */
public class ErrorResponsesInOpenApi implements OASFilter {
  private static final String ERROR_SCHEMA = "#/components/schemas/ErrorResponse";

  @Override
  public Operation filterOperation(Operation operation) {
    if (operation.getResponses() == null) {
      return operation;
    }
    operation.getResponses().getAPIResponses().forEach(this::describeError);
    if (!operation.getResponses().hasAPIResponse("500")) {
      APIResponse internal = OASFactory.createAPIResponse().description("INTERNAL_ERROR");
      describeError("500", internal);
      operation.getResponses().addAPIResponse("500", internal);
    }
    return operation;
  }

  private void describeError(String status, APIResponse response) {
    boolean isError = status.startsWith("4") || status.startsWith("5");
    if (!isError || response.getContent() != null) {
      return;
    }
    response.content(
        OASFactory.createContent()
            .addMediaType(
                MediaType.APPLICATION_JSON,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR_SCHEMA))));
  }
}
