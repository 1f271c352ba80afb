package io.geomachine.core.repository;

/** A task waiting for a worker, with what it takes to send its message again. */
public record WaitingTask(
    String taskId, String jobId, String jobType, String taskType, int stage) {}
