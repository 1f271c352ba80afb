package io.geomachine.core.repository;

/** A running task whose worker stopped renewing its lease. */
public record ExpiredLease(
    String taskId,
    String jobId,
    String jobType,
    String taskType,
    int stage,
    int retryCount,
    String workerId) {}
