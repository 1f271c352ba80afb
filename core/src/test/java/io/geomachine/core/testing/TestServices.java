package io.geomachine.core.testing;

/**
 * Where the real local services are, for tests. {@code ./platform test} exports these; the defaults
 * match what {@code ./platform infra-up} starts.
 */
public final class TestServices {
  private TestServices() {}

  public static String pgHost() {
    return env("GEOMACHINE_TEST_PG_HOST", "127.0.0.1");
  }

  public static int pgPort() {
    return Integer.parseInt(env("GEOMACHINE_TEST_PG_PORT", "5432"));
  }

  public static String pgUser() {
    return env("GEOMACHINE_TEST_PG_USER", "postgres");
  }

  public static String pgPassword() {
    return env("GEOMACHINE_TEST_PG_PASSWORD", "postgres");
  }

  public static String amqpHost() {
    return env("GEOMACHINE_TEST_AMQP_HOST", "127.0.0.1");
  }

  public static int amqpPort() {
    return Integer.parseInt(env("GEOMACHINE_TEST_AMQP_PORT", "5672"));
  }

  public static String amqpUser() {
    return env("GEOMACHINE_TEST_AMQP_USER", "artemis");
  }

  public static String amqpPassword() {
    return env("GEOMACHINE_TEST_AMQP_PASSWORD", "artemis");
  }

  public static String reactiveUrl(String database) {
    return "postgresql://" + pgHost() + ":" + pgPort() + "/" + database;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
