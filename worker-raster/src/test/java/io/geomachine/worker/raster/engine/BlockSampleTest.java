package io.geomachine.worker.raster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where the block sample's windows go: spread, inside the image, on block starts when they fit. */
class BlockSampleTest {
  @Test
  void windowsSpanTheImageEdgeToEdgeAndStartOnBlocks() {
    int[] xs = BlockSample.offsets(14482, 256, 64);
    assertEquals(BlockSample.GRID, xs.length);
    assertEquals(0, xs[0]);
    assertEquals(14482 - 64, xs[BlockSample.GRID - 1], "the last window ends at the image's edge");
    for (int i = 1; i < xs.length; i++) {
      assertTrue(xs[i] > xs[i - 1] + 64, "windows do not overlap: " + xs[i - 1] + ", " + xs[i]);
      assertTrue(xs[i] + 64 <= 14482);
    }
    for (int i = 0; i < xs.length - 1; i++) {
      assertEquals(0, xs[i] % 256, "window " + i + " starts on a block, so it reads one block");
    }
  }

  @Test
  void stripsAndUnalignedBlocksKeepTheEvenSpread() {
    int[] strip = BlockSample.offsets(5000, 5000, 64);
    assertEquals(Math.round((5000 - 64) * 3 / 7.0), strip[3], "one strip spans the row: no snap");
    int[] ys = BlockSample.offsets(5000, 0, 64);
    assertEquals(0, ys[0]);
    assertEquals(5000 - 64, ys[7]);
    assertEquals(Math.round((5000 - 64) * 3 / 7.0), ys[3]);
  }
}
