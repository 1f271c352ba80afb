package io.geomachine.core.job.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TileGridTest {

  @Test
  void windowsCoverTheRasterExactlyOnceWithoutOverlap() {
    TileGrid grid = new TileGrid(1300, 1030, 512, 0);
    assertEquals(3, grid.columns());
    assertEquals(3, grid.rows());
    long[][] hits = new long[1030][1300];
    for (TileGrid.Window w : grid.windows()) {
      for (long y = w.yoff(); y < w.yoff() + w.ysize(); y++) {
        for (long x = w.xoff(); x < w.xoff() + w.xsize(); x++) {
          hits[(int) y][(int) x]++;
        }
      }
    }
    for (long[] row : hits) {
      for (long h : row) {
        assertEquals(1, h);
      }
    }
    assertEquals(new TileGrid.Window(2, 2, 1024, 1024, 276, 6), grid.window(2, 2));
    assertEquals("tile_2_1", grid.window(2, 1).name());
  }

  @Test
  void overlapWidensInnerEdgesAndIsClippedAtTheRasterEdge() {
    TileGrid grid = new TileGrid(1024, 1024, 512, 16);
    assertEquals(new TileGrid.Window(0, 0, 0, 0, 528, 528), grid.window(0, 0));
    assertEquals(new TileGrid.Window(1, 1, 496, 496, 528, 528), grid.window(1, 1));
    assertEquals(544L * 544L, grid.largestWindowPixels());
  }

  @Test
  void automaticTileSizeKeepsEachTileWithinTheBudget() {
    long budget = 256L << 20;
    int byteRgb = TileGrid.automaticTileSize(3, 1, budget);
    int float4 = TileGrid.automaticTileSize(4, 4, budget);
    assertEquals(0, byteRgb % TileGrid.BLOCK);
    assertTrue((long) byteRgb * byteRgb * 3 <= budget);
    assertTrue((long) (byteRgb + 512) * (byteRgb + 512) * 3 > budget, "not the largest that fits");
    assertTrue(float4 < byteRgb);
    assertEquals(TileGrid.MIN_TILE, TileGrid.automaticTileSize(200, 8, 1 << 20));
  }

  @Test
  void aRasterSmallerThanOneTileIsOneTile() {
    assertEquals(
        List.of(new TileGrid.Window(0, 0, 0, 0, 100, 80)), new TileGrid(100, 80, 512, 8).windows());
  }

  @Test
  void roundTripsThroughJson() {
    TileGrid grid = new TileGrid(70_000, 50_000, 4096, 32);
    assertEquals(grid, TileGrid.fromJson(grid.toJson()));
    assertEquals(18 * 13, grid.tileCount());
    TileGrid.Window w = grid.window(3, 4);
    assertEquals(w, TileGrid.Window.fromJson(w.toJson()));
    assertThrows(IllegalArgumentException.class, () -> new TileGrid(10, 10, 16, 16));
  }
}
