package io.geomachine.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.job.vector.VectorManifest.ChunkFormat;
import io.geomachine.core.messaging.Destination;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WireNamesTest {
  @Test
  void findsByTheOutsideNameOnly() {
    assertEquals(
        Optional.of(ChunkFormat.BINARY),
        WireNames.find(ChunkFormat.values(), ChunkFormat::wire, "binary"));
    assertEquals(
        Optional.empty(), WireNames.find(ChunkFormat.values(), ChunkFormat::wire, "BINARY"));
    assertEquals(Optional.empty(), WireNames.find(ChunkFormat.values(), ChunkFormat::wire, null));
    assertEquals(
        Optional.of(Destination.DEAD_LETTERS),
        WireNames.find(Destination.values(), Destination::logicalName, "dead-letters"));
  }
}
