package io.geomachine.worker.raster.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.task.TaskFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raster engine on real GDAL: inspection, type detection, COG writing and COG validation. */
class RasterEngineGdalTest {
  @TempDir static Path dir;
  static TestRasters rasters;
  final Gdal gdal = new Gdal(Duration.ofMinutes(2));
  final RasterInspector inspector = new RasterInspector(gdal);
  final RasterTypeDetector detector = new RasterTypeDetector();

  @BeforeAll
  static void setUp() {
    rasters = new TestRasters(dir);
  }

  @Test
  void inspectsAProjectedRgbRasterAndDetectsRgb() throws Exception {
    RasterInfo info = inspector.inspect(rasters.rgbUtm("rgb"));
    assertEquals(600, info.width());
    assertEquals(3, info.bandCount());
    assertEquals("Byte", info.dataType());
    assertEquals(32633, info.epsg());
    assertArrayEquals(new double[] {500000, 5000000, 506000, 5006000}, info.boundsNative(), 1e-6);
    assertEquals(15.0, info.bbox4326()[0], 0.01, "UTM 33N at 500 km easting is 15°E");
    assertEquals(45.1, info.bbox4326()[1], 0.1);
    assertNotNull(info.bands().get(0).mean(), "the sampled read gives statistics");
    RasterTypeDetector.Detection d = detector.detect(info);
    assertEquals(RasterType.RGB, d.type());
    assertTrue(d.evidence().contains("bands are Red, Green, Blue"), d.evidence().toString());
  }

  @Test
  void detectsDemCategoricalAndMultispectralFromTheData() throws Exception {
    RasterInfo dem = inspector.inspect(rasters.demFloat32("dem"));
    assertEquals(RasterType.DEM, detector.detect(dem).type());
    assertEquals(-9999.0, dem.nodata());
    assertEquals(220.0, dem.bands().get(0).minimum(), "nodata (-9999) is not counted as a value");

    RasterInfo cat = inspector.inspect(rasters.categorical("landcover"));
    RasterTypeDetector.Detection d = detector.detect(cat);
    assertEquals(RasterType.CATEGORICAL, d.type());
    assertEquals(256, cat.bands().get(0).colorTableEntries(), "GeoTIFF palettes hold 256 entries");
    assertTrue(d.evidence().get(1).contains("palette"), d.evidence().toString());
    assertEquals(5, cat.bands().get(0).distinctValues());

    RasterInfo ms = inspector.inspect(rasters.multispectral("ms", 5));
    assertEquals(RasterType.MULTISPECTRAL, detector.detect(ms).type());
    assertEquals(List.of("UInt16"), ms.dataTypes());
  }

  @Test
  void unreadableFilesAreFileUnreadable() {
    for (Path bad : List.of(rasters.notARaster("text"), rasters.truncated("cut"))) {
      TaskFailure f = assertThrows(TaskFailure.class, () -> inspector.inspect(bad));
      assertEquals(RasterCodes.FILE_UNREADABLE, f.code(), f.getMessage());
      assertTrue(f.getMessage().startsWith(bad.getFileName().toString()), f.getMessage());
    }
  }

  @Test
  void aBigSourceWithoutOverviewsIsSampledByBlocksAndStillRepresented() throws Exception {
    Path big = rasters.bigWithoutOverviews("big_blocks");
    RasterInfo meta = inspector.metadata(big);
    assertTrue(BlockSample.worthIt(meta, RasterInspector.SAMPLE_SIZE), "4608^2, no overviews");
    RasterInfo sampled = inspector.inspect(big);
    BandInfo full =
        RasterInspector.withStatistics(meta, gdal.info(big, "full", "-stats")).bands().get(0);
    BandInfo band = sampled.bands().get(0);
    assertEquals(full.mean(), band.mean(), 8.0, "the block sample's mean is near the image's");
    assertTrue(band.minimum() <= 5 && band.maximum() >= 250, band.toJson().encode());
    assertTrue(band.distinctValues() > 200, "windows spread over the image see most values");

    // the last tiles are missing: the sample's bottom-right window reads them and fails
    Path cut = rasters.cutAt(big, 0.6, "big_cut");
    TaskFailure f = assertThrows(TaskFailure.class, () -> inspector.inspect(cut));
    assertEquals(RasterCodes.FILE_UNREADABLE, f.code(), f.getMessage());
    assertFalse(f.retryable());
  }

  @Test
  void rgbBecomesAValidJpegCogReprojectedToWgs84WithOverviews() throws Exception {
    Path src = rasters.rgbUtm("rgb_cog");
    RasterInfo info = inspector.inspect(src);
    Path out = dir.resolve("rgb_cog_out.tif");
    CogOptions opts = new CogOptions(CogTier.VISUALIZATION, 80, 4326, null, RasterType.RGB);
    CogWriter.Result r = new CogWriter(gdal).write(src, info, opts, out);
    assertTrue(r.reprojected());
    assertEquals(CogTier.VISUALIZATION, r.tier().applied());
    assertTrue(r.command().contains("gdalwarp"));
    assertTrue(r.command().contains("bilinear"));
    RasterInfo cog = new CogValidator(gdal).validate(out, "rgb_cog_out.tif");
    assertEquals(4326, cog.epsg());
    assertTrue(cog.overviewCount() > 0);
    assertEquals("YCbCr JPEG", cog.compression());
    assertEquals("PIXEL", cog.interleave());
  }

  @Test
  void categoricalKeepsItsClassValuesAndPaletteWhenReprojected() throws Exception {
    Path src = rasters.categorical("lc_cog");
    RasterInfo info = inspector.inspect(src);
    Path out = dir.resolve("lc_cog_out.tif");
    CogOptions opts = new CogOptions(CogTier.ANALYSIS, 85, 3857, null, RasterType.CATEGORICAL);
    CogWriter.Result r = new CogWriter(gdal).write(src, info, opts, out);
    assertTrue(r.command().containsAll(List.of("-r", "near", "OVERVIEW_RESAMPLING=MODE")));
    RasterInfo cog =
        inspector.inspect(new CogValidator(gdal).validate(out, "x") != null ? out : out);
    assertEquals(3857, cog.epsg());
    assertEquals("DEFLATE", cog.compression());
    assertTrue(cog.bands().get(0).distinctValues() <= 6, "no interpolated class values");
    assertEquals(5.0, cog.bands().get(0).maximum(), "the largest class value survives");
    assertTrue(cog.bands().get(0).hasColorTable(), "the palette is kept");
  }

  @Test
  void aTierThatCannotApplyFallsBackWithAWarningAndNodataIsKept() throws Exception {
    Path src = rasters.demFloat32("dem_cog");
    RasterInfo info = inspector.inspect(src);
    Path out = dir.resolve("dem_cog_out.tif");
    CogOptions opts = new CogOptions(CogTier.VISUALIZATION, 85, null, null, RasterType.DEM);
    CogWriter.Result r = new CogWriter(gdal).write(src, info, opts, out);
    assertFalse(r.reprojected());
    assertEquals("gdal_translate", r.command().get(0));
    assertEquals(CogTier.ANALYSIS, r.tier().applied());
    assertTrue(r.tier().warnings().get(0).contains("visualization cannot apply"));
    assertTrue(r.command().contains("PREDICTOR=FLOATING_POINT"));
    RasterInfo cog = new CogValidator(gdal).validate(out, "dem");
    assertEquals(-9999.0, cog.nodata());
    assertEquals(4326, cog.epsg());
  }

  @Test
  void archiveTierIsZstdAndAnInputCrsIsAssigned() throws Exception {
    Path src = rasters.withoutCrs("nocrs");
    RasterInfo info = inspector.inspect(src);
    assertNull(info.epsg());
    assertFalse(info.hasCrs());
    Path out = dir.resolve("nocrs_out.tif");
    CogOptions opts = new CogOptions(CogTier.ARCHIVE, 85, null, "EPSG:32633", RasterType.DEM);
    new CogWriter(gdal).write(src, info, opts, out);
    RasterInfo cog = new CogValidator(gdal).validate(out, "nocrs");
    assertEquals(32633, cog.epsg());
    assertEquals("ZSTD", cog.compression());
  }

  @Test
  void aPlainStripedGeoTiffIsNotAValidCog() throws Exception {
    Path striped = rasters.rgbUtm("striped");
    TaskFailure f =
        assertThrows(
            TaskFailure.class, () -> new CogValidator(gdal).validate(striped, "striped.tif"));
    assertEquals(RasterCodes.COG_INVALID, f.code());
    assertTrue(f.getMessage().contains("layout is not COG"), f.getMessage());
    assertTrue(f.getMessage().contains("no internal overviews"), f.getMessage());
    assertTrue(Files.exists(striped), "validation never deletes the source");
  }
}
