package io.geomachine.core.model;

import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Index;
import io.geomachine.core.schema.Table;
import java.time.LocalDateTime;

/** A platform request (dataset/resource/version) and the job that serves it. */
@Table("api_requests")
@Index(name = "idx_api_requests_dataset_id", columns = "dataset_id")
@Index(name = "idx_api_requests_created_at", columns = "created_at")
public record ApiRequest(
    @Column(type = "VARCHAR(32)", primaryKey = true) String requestId,
    @Column(type = "VARCHAR(255)") String datasetId,
    @Column(type = "VARCHAR(255)") String resourceId,
    @Column(type = "VARCHAR(50)") String versionId,
    @Column(type = "VARCHAR(64)") String jobId,
    /** Seed 000 keeps this a VARCHAR holding a {@link DataType} label. */
    @Column(type = "VARCHAR(50)") String dataType,
    @Column(defaultValue = "NOW()") LocalDateTime createdAt) {}
