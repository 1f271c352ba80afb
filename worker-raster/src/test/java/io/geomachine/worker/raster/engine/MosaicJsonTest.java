package io.geomachine.worker.raster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class MosaicJsonTest {

  @Test
  void quadkeysFollowTheBingScheme() {
    assertEquals("", MosaicJson.quadkey(0, 0, 0));
    assertEquals("213", MosaicJson.quadkey(3, 5, 3));
    // the whole north-east quadrant at zoom 1
    assertEquals(List.of("1"), MosaicJson.quadkeys(new double[] {0, 0, 180, 85}, 1));
    assertEquals(
        List.of("0", "1", "2", "3"), MosaicJson.quadkeys(new double[] {-10, -10, 10, 10}, 1));
  }

  @Test
  void zoomsFollowTheResolutionAndTheSize() {
    // 1024 pixels over 0.1 degrees at the equator: about 10.9 m per pixel → zoom 14
    MosaicJson.Tile t = new MosaicJson.Tile("u", new double[] {10, 0, 10.1, 0.1}, 1024, 1024);
    assertEquals(14, MosaicJson.maxzoomFor(t));
    assertEquals(12, MosaicJson.minzoomFor(t, 14));
  }

  @Test
  void theDocumentListsEveryTileUnderTheQuadkeysItTouches() {
    List<MosaicJson.Tile> tiles =
        List.of(
            new MosaicJson.Tile("a", new double[] {10, 0, 10.05, 0.05}, 512, 512),
            new MosaicJson.Tile("b", new double[] {10.05, 0, 10.1, 0.05}, 512, 512));
    JsonObject doc = MosaicJson.build("m", tiles, 13);
    assertEquals("0.0.3", doc.getString("mosaicjson"));
    assertEquals(13, doc.getInteger("maxzoom"));
    assertEquals(12, doc.getInteger("minzoom"));
    assertEquals(
        new JsonArray().add(10.0).add(0.0).add(10.1).add(0.05), doc.getJsonArray("bounds"));
    JsonObject byQk = doc.getJsonObject("tiles");
    long withA = byQk.fieldNames().stream().filter(k -> byQk.getJsonArray(k).contains("a")).count();
    assertTrue(withA >= 1);
    byQk.fieldNames().forEach(k -> assertEquals(12, k.length()));
  }
}
