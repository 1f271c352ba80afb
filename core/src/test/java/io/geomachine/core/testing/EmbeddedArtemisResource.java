package io.geomachine.core.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * For {@code @QuarkusTest}: a real Apache Artemis broker, embedded, with GeoMachine's queues
 * pre-created as anycast (as {@code ./platform infra-up} does for the standalone one).
 */
public class EmbeddedArtemisResource implements QuarkusTestResourceLifecycleManager {
  public static final List<String> QUEUES =
      List.of(
          "geomachine.jobs",
          "geomachine.tasks.raster",
          "geomachine.tasks.vector",
          "geomachine.dead-letters");
  public static final int MAX_DELIVERY_ATTEMPTS = 3;

  private static volatile EmbeddedActiveMQ broker;
  private static volatile int port;

  @Override
  public Map<String, String> start() {
    port = freePort();
    try {
      ConfigurationImpl cfg = new ConfigurationImpl();
      cfg.setPersistenceEnabled(false);
      cfg.setSecurityEnabled(false);
      cfg.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
      cfg.addAddressSetting(
          "#",
          new AddressSettings()
              .setAutoCreateQueues(true)
              .setAutoCreateAddresses(true)
              .setDeadLetterAddress(SimpleString.of("DLQ"))
              .setMaxDeliveryAttempts(MAX_DELIVERY_ATTEMPTS));
      for (String q : QUEUES) {
        cfg.addQueueConfiguration(
            QueueConfiguration.of(q).setRoutingType(RoutingType.ANYCAST).setDurable(true));
      }
      cfg.addQueueConfiguration(
          QueueConfiguration.of("DLQ").setRoutingType(RoutingType.ANYCAST).setDurable(true));
      EmbeddedActiveMQ b = new EmbeddedActiveMQ();
      b.setConfiguration(cfg);
      b.start();
      broker = b;
    } catch (Exception e) {
      throw new IllegalStateException("embedded Artemis did not start", e);
    }
    return Map.of(
        "amqp-host", "127.0.0.1",
        "amqp-port", String.valueOf(port),
        "amqp-username", "test",
        "amqp-password", "test");
  }

  @Override
  public void stop() {
    try {
      if (broker != null) {
        broker.stop();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The AMQP port of the running embedded broker. */
  public static int port() {
    return port;
  }

  /** Messages currently in a queue of the running embedded broker. */
  public static long messageCount(String queue) {
    Queue q = broker.getActiveMQServer().locateQueue(SimpleString.of(queue));
    return q == null ? 0 : q.getMessageCount();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
