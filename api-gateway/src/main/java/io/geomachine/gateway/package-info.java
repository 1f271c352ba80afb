/**
 * The REST gateway: submits jobs and answers questions about them. The OpenAPI introduction lives
 * here because SmallRye OpenAPI reads {@code @OpenAPIDefinition} only from a package-info or a
 * JAX-RS Application class (served at /q/openapi, browsable at /q/swagger-ui).
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "GeoMachine API",
            version = "0.1.0",
            description =
                """
                Submit geospatial ETL jobs and follow them to completion. All field names are \
                snake_case.

                **Errors.** Every error, including unknown routes (404), wrong methods (405), \
                oversized bodies (413), wrong media types (415) and malformed JSON (400), has one \
                shape:

                    {"error": {"code": "INVALID_PARAMETERS",
                               "message": "n: must be at most 1000 (got 5000)",
                               "status": 400,
                               "fields": [{"field": "n", "message": "must be at most 1000 (got 5000)"}],
                               "details": {}}}

                `code` is stable and meant for programs; `message` is for people; `fields` names \
                each invalid parameter or query parameter; `details` carries extra context (for \
                UNKNOWN_JOB_TYPE: `valid_job_types`). Unexpected errors are 500 INTERNAL_ERROR with \
                an `error_id` to look up in the gateway's log.

                **Destructive operations.** Only the schema administration operations marked \
                **DESTRUCTIVE** (tag "Database administration": redeploys, full rebuild, STAC nuke, \
                restore) delete data. Each requires `confirm=yes` and without it answers 400 \
                CONFIRMATION_REQUIRED with its plan in `details.plan`. Everything else is safe: a \
                re-run replaces a finished job's tasks and results with the new run's.
                """),
    tags = @Tag(name = "Jobs", description = "Submit, inspect and re-run jobs"))
package io.geomachine.gateway;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
