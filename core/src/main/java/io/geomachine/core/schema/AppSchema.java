package io.geomachine.core.schema;

import io.geomachine.core.model.ApiRequest;
import io.geomachine.core.model.DataType;
import io.geomachine.core.model.DeadLetteredMessage;
import io.geomachine.core.model.JanitorRun;
import io.geomachine.core.model.JanitorRunStatus;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobArtifact;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.OutboxMessage;
import io.geomachine.core.model.PlatformRequestStatus;
import io.geomachine.core.model.StageProgress;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import java.util.List;

/** What the {@code app} schema is made of: the model classes, in dependency order. */
public final class AppSchema {
  public static final String SCHEMA = "app";

  /** Enum types, in the order seed 000 creates them. */
  public static final List<Class<? extends Enum<?>>> ENUMS =
      List.of(
          JobStatus.class,
          TaskStatus.class,
          PlatformRequestStatus.class,
          DataType.class,
          JanitorRunType.class,
          JanitorRunStatus.class);

  /** Tables, referenced tables first. */
  public static final List<Class<? extends Record>> TABLES =
      List.of(
          Job.class,
          Task.class,
          ApiRequest.class,
          JanitorRun.class,
          OutboxMessage.class,
          DeadLetteredMessage.class,
          StageProgress.class,
          JobArtifact.class);

  /**
   * Hand-written PL/pgSQL functions (resources next to this class), in creation order. Their
   * signatures are part of the contract with seed 000.
   */
  public static final List<String> FUNCTION_FILES =
      List.of(
          "complete_task_and_check_stage.sql",
          "advance_job_stage.sql",
          "check_job_completion.sql",
          "increment_task_retry_count.sql",
          "update_updated_at_column.sql");

  private AppSchema() {}
}
