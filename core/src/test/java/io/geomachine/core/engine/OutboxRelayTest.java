package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay deletes a row only once the broker has accepted it, and relays share the work. */
class OutboxRelayTest {
  private static final Set<Destination> JOBS_AND_RASTER =
      Set.of(Destination.JOBS, Destination.RASTER_TASKS);
  private static TestDatabase db;
  private static Pool pool;
  private final OutboxRepository outbox = new OutboxRepository();
  private final ConcurrentLinkedQueue<JsonObject> sent = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_outbox_relay");
    pool = db.pool();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void empty() {
    Sql.update(pool, "DELETE FROM app.outbox");
  }

  private void enqueue(Destination d, int from, int to) {
    List<JsonObject> payloads = new ArrayList<>();
    for (int i = from; i < to; i++) {
      payloads.add(new JsonObject().put("n", i));
    }
    Sql.await(pool.withTransaction(c -> outbox.enqueue(c, d, payloads)));
  }

  private OutboxRelay relay(OutboxRelay.Publisher publisher, int batch, int concurrency) {
    return new OutboxRelay(
        pool,
        outbox,
        new io.geomachine.core.repository.JobRepository(),
        new io.geomachine.core.repository.TaskRepository(),
        JOBS_AND_RASTER,
        publisher,
        batch,
        concurrency,
        Duration.ofMillis(500));
  }

  private OutboxRelay recordingRelay(int batch, int concurrency) {
    return relay(
        (d, p) -> {
          sent.add(p);
          return Uni.createFrom().voidItem();
        },
        batch,
        concurrency);
  }

  private static long rows() {
    return Sql.count(pool, "SELECT count(*) FROM app.outbox");
  }

  private List<Integer> sentNumbers() {
    return sent.stream().map(p -> p.getInteger("n")).toList();
  }

  @Test
  void everythingIsPublishedInOrderAndDeleted() {
    enqueue(Destination.JOBS, 0, 10);
    OutboxRelay relay = recordingRelay(3, 1);
    assertEquals(10L, Sql.await(relay.drainUntilEmpty()));
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), sentNumbers());
    assertEquals(10, relay.publishedCount());
    assertEquals(0, rows());
    assertEquals(0L, Sql.await(relay.drainUntilEmpty()));
  }

  @Test
  void aFailedSendLeavesTheWholeBatchForALaterDrain() {
    enqueue(Destination.JOBS, 0, 10);
    AtomicBoolean brokerDown = new AtomicBoolean(true);
    OutboxRelay relay =
        relay(
            (d, p) -> {
              if (brokerDown.get() && p.getInteger("n") == 7) {
                return Uni.createFrom().failure(new IllegalStateException("broker refused"));
              }
              sent.add(p);
              return Uni.createFrom().voidItem();
            },
            100,
            4);
    assertThrows(IllegalStateException.class, () -> Sql.await(relay.drainUntilEmpty()));
    assertEquals(10, rows(), "no row may be deleted when a send of its batch failed");
    assertEquals(0, relay.publishedCount());

    brokerDown.set(false);
    sent.clear();
    assertEquals(10L, Sql.await(relay.drainUntilEmpty()));
    assertEquals(0, rows());
    assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), new HashSet<>(sentNumbers()));
  }

  @Test
  void aBrokerThatNeverAnswersTimesOutAndKeepsTheRows() {
    enqueue(Destination.RASTER_TASKS, 0, 3);
    OutboxRelay relay =
        relay(
            (d, p) ->
                p.getInteger("n") == 1 ? Uni.createFrom().nothing() : Uni.createFrom().voidItem(),
            100,
            4);
    long t0 = System.nanoTime();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Sql.await(relay.drainUntilEmpty()));
    assertTrue(e.getMessage().contains("did not accept"), e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30);
    assertEquals(3, rows());
  }

  @Test
  void onlyDueRowsOfItsOwnDestinationsAreSent() {
    enqueue(Destination.JOBS, 0, 2);
    enqueue(Destination.VECTOR_TASKS, 100, 102);
    enqueue(Destination.RASTER_TASKS, 200, 201);
    Sql.update(
        pool,
        "UPDATE app.outbox SET available_at = NOW() + interval '1 hour' WHERE payload->>'n' = '1'");
    OutboxRelay relay = recordingRelay(100, 4);
    assertEquals(2L, Sql.await(relay.drainUntilEmpty()));
    assertEquals(Set.of(0, 200), new HashSet<>(sentNumbers()));
    assertEquals(3, rows(), "the delayed row and the vector rows stay");
  }

  @Test
  void twoRelaysDrainingAtOnceSendEachRowExactlyOnce() {
    int total = 400;
    enqueue(Destination.JOBS, 0, total / 2);
    enqueue(Destination.RASTER_TASKS, total / 2, total);
    Map<String, ConcurrentLinkedQueue<Integer>> byRelay = new HashMap<>();
    List<OutboxRelay> relays = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
      byRelay.put(name, got);
      relays.add(
          relay(
              (d, p) ->
                  Uni.createFrom()
                      .voidItem()
                      .onItem()
                      .delayIt()
                      .by(Duration.ofMillis(2))
                      .invoke(() -> got.add(p.getInteger("n"))),
              10,
              2));
    }
    Uni<Long> a = relays.get(0).drainUntilEmpty();
    Uni<Long> b = relays.get(1).drainUntilEmpty();
    List<Long> counts =
        Sql.await(Uni.combine().all().unis(a, b).with(l -> l.stream().map(o -> (Long) o).toList()));

    List<Integer> all = new ArrayList<>(byRelay.get("a"));
    all.addAll(byRelay.get("b"));
    assertEquals(total, all.size(), "every row sent once, none twice");
    assertEquals(total, new HashSet<>(all).size());
    assertEquals(total, counts.get(0) + counts.get(1));
    assertEquals(byRelay.get("a").size(), counts.get(0));
    assertTrue(
        !byRelay.get("a").isEmpty() && !byRelay.get("b").isEmpty(),
        "both relays should have published: a=" + counts.get(0) + " b=" + counts.get(1));
    assertEquals(0, rows());
  }
}
