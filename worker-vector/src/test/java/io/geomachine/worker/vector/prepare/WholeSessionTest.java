package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.process.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A source that is not cut into parts is opened once: the process that probed it converts it with
 * gdal.VectorTranslate. Its dump must be byte for byte what ogr2ogr writes for the same
 * normalisation, for every driver whose open parses the whole file and for the others.
 */
class WholeSessionTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"GeoJSON:json", "KML:kml", "GML:gml", "GPKG:gpkg", "FlatGeobuf:fgb"})
  void theSessionWritesWhatOgr2ogrWrites(String driverAndExtension) throws Exception {
    String driver = driverAndExtension.split(":")[0];
    Path reference = Files.writeString(dir.resolve("ref.geojson"), VectorFiles.referenceGeoJson(2));
    Path source = dir.resolve("source." + driverAndExtension.split(":")[1]);
    VectorFiles.ogr2ogr("-f", driver, source.toString(), reference.toString());

    Path sessionDir = Files.createDirectories(dir.resolve("session"));
    byte[] bySession;
    LayerProbe probe;
    Normalisation normalisation;
    try (PartSessions session = PartSessions.whole(source, List.of(), sessionDir, null)) {
      List<LayerProbe> probes = session.probes("source");
      assertNotNull(probes, "the session reports a probe");
      probe = probes.get(0);
      normalisation =
          new Normalisation(source, probe.layer(), List.of(), probe, null, false, false, null);
      Path dump = dir.resolve("session.sql");
      ProcessRunner.Result r = session.translate(0, normalisation.translateOrder(dump), TIMEOUT);
      assertTrue(r.ok(), r.describeFailure());
      bySession = Files.readAllBytes(dump);
    }
    Path dump = dir.resolve("ogr2ogr.sql");
    ProcessRunner.Result r =
        ProcessRunner.run(normalisation.command(dump), Map.of(), TIMEOUT, null);
    assertTrue(r.ok(), r.describeFailure());
    byte[] byOgr2ogr = Files.readAllBytes(dump);

    String text = new String(byOgr2ogr, StandardCharsets.UTF_8);
    assertTrue(text.contains("COPY "), "a COPY dump");
    long rows = text.lines().filter(l -> l.matches("^[0-9A-F]{18,}\\t.*")).count();
    assertEquals(VectorFiles.FEATURES, rows, "one row per feature with a geometry");
    assertArrayEquals(byOgr2ogr, bySession, driver + ": the session's dump differs from ogr2ogr's");
  }

  @Test
  void aSessionWhoseProbeReportsAnErrorGivesNoProbe() throws Exception {
    Path source = Files.writeString(dir.resolve("one.geojson"), VectorFiles.referenceGeoJson(0));
    try (PartSessions session = PartSessions.whole(source, List.of(), dir, "missing")) {
      // the caller then probes the whole file the plain way, which reports LAYER_NOT_FOUND
      assertNull(session.probes("one.geojson"));
    }
  }
}
