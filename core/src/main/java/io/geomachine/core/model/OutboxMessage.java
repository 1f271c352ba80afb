package io.geomachine.core.model;

import io.geomachine.core.schema.Column;
import io.geomachine.core.schema.Index;
import io.geomachine.core.schema.Table;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;

/**
 * GeoMachine's addition to the seed schema: the transactional outbox. A message is written in the
 * same transaction as the state change that causes it and published by a relay after the commit, so
 * a crash between commit and send delays the message but never loses it.
 */
@Table("outbox")
@Index(
    name = "idx_outbox_destination_available",
    columns = {"destination", "available_at"})
public record OutboxMessage(
    @Column(type = "BIGINT GENERATED ALWAYS AS IDENTITY", primaryKey = true) long id,
    /** Logical destination (see {@link io.geomachine.core.messaging.Destination}). */
    @Column(type = "VARCHAR(100)") String destination,
    @Column JsonObject payload,
    /** Not published before this time (used for retry backoff). */
    @Column(defaultValue = "NOW()") LocalDateTime availableAt,
    @Column(defaultValue = "NOW()") LocalDateTime createdAt) {}
