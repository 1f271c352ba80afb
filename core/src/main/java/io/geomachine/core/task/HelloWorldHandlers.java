package io.geomachine.core.task;

import io.geomachine.core.job.HelloWorldJob;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/** The two task types of {@link HelloWorldJob}. */
public final class HelloWorldHandlers {
  private HelloWorldHandlers() {}

  public static final class Greeting implements TaskHandler {
    @Override
    public String taskType() {
      return HelloWorldJob.GREETING_TASK;
    }

    @Override
    public JsonObject handle(TaskInput input) throws TaskFailure {
      maybeFail(input);
      int index = input.parameters().getInteger("index");
      return new JsonObject()
          .put("index", index)
          .put("greeting", input.parameters().getString("message") + " #" + index);
    }
  }

  public static final class Reply implements TaskHandler {
    @Override
    public String taskType() {
      return HelloWorldJob.REPLY_TASK;
    }

    @Override
    public JsonObject handle(TaskInput input) throws TaskFailure {
      maybeFail(input);
      String greeting = input.parameters().getString("greeting");
      return new JsonObject()
          .put("index", input.parameters().getInteger("index"))
          .put("reply", "Reply to '" + greeting + "'");
    }
  }

  private static void maybeFail(TaskInput input) throws TaskFailure {
    double rate = input.parameters().getDouble("failure_rate", 0.0);
    if (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
      throw TaskFailure.permanent(
          "INJECTED_FAILURE",
          "failure injected by failure_rate=" + rate + " (task " + input.taskIndex() + ")");
    }
  }
}
