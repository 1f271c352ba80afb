#!/usr/bin/python3
"""Sample vector data for the process_vector demo and benchmark (needs GDAL's Python bindings,
i.e. Debian's /usr/bin/python3 with python3-gdal).

  vector_sample.py points N OUT      N points (lon/lat grid over Europe) with typed attributes
  vector_sample.py polygons N OUT    N small square polygons with typed attributes
  vector_sample.py upload FILE CONTAINER BLOB
                                     copies FILE into blob storage (AZURE_STORAGE_CONNECTION_STRING,
                                     default: the local Azurite development account)

OUT's extension picks the format: .gpkg, .geojson, .geojsonl, .fgb, .csv, .shp, .gml, .kml.
"""
import datetime
import os
import sys

from osgeo import gdal, ogr, osr

AZURITE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
    "KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
)
DRIVERS = {
    ".gpkg": "GPKG", ".geojson": "GeoJSON", ".geojsonl": "GeoJSONSeq", ".fgb": "FlatGeobuf",
    ".csv": "CSV", ".shp": "ESRI Shapefile", ".gml": "GML", ".kml": "KML",
}


def generate(kind, n, out):
    gdal.UseExceptions()
    driver = ogr.GetDriverByName(DRIVERS[os.path.splitext(out)[1].lower()])
    if os.path.exists(out):
        driver.DeleteDataSource(out)
    options = ["GEOMETRY=AS_XY"] if driver.GetName() == "CSV" else []
    ds = driver.CreateDataSource(out)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    gtype = ogr.wkbPoint if kind == "points" else ogr.wkbPolygon
    layer = ds.CreateLayer("sample_" + kind, srs, gtype, options)
    fields = [("name", ogr.OFTString), ("category", ogr.OFTString), ("count", ogr.OFTInteger),
              ("big", ogr.OFTInteger64), ("value", ogr.OFTReal), ("observed", ogr.OFTDate)]
    for name, ftype in fields:
        layer.CreateField(ogr.FieldDefn(name, ftype))
    flag = ogr.FieldDefn("active", ogr.OFTInteger)
    flag.SetSubType(ogr.OFSTBoolean)
    layer.CreateField(flag)
    side = max(1, int(n ** 0.5))
    step_x, step_y = 30.0 / side, 25.0 / side
    day0 = datetime.date(2024, 1, 1)
    layer.StartTransaction()
    defn = layer.GetLayerDefn()
    for i in range(n):
        x, y = -10 + (i % side) * step_x, 35 + (i // side) * step_y
        f = ogr.Feature(defn)
        f.SetField("name", "feature %d" % i)
        f.SetField("category", ("road", "river", "park", "school")[i % 4])
        f.SetField("count", i % 100000)
        f.SetField("big", 10_000_000_000 + i)
        f.SetField("value", i * 0.5)
        d = day0 + datetime.timedelta(days=i % 365)
        f.SetField("observed", d.year, d.month, d.day, 0, 0, 0, 0)
        f.SetField("active", i % 2)
        if kind == "points":
            wkt = "POINT (%.6f %.6f)" % (x, y)
        else:
            w, h = step_x * 0.8, step_y * 0.8
            wkt = "POLYGON ((%f %f, %f %f, %f %f, %f %f, %f %f))" % (
                x, y, x + w, y, x + w, y + h, x, y + h, x, y)
        f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        layer.CreateFeature(f)
    layer.CommitTransaction()
    ds = None


def upload(path, container, blob):
    gdal.UseExceptions()
    gdal.SetConfigOption(
        "AZURE_STORAGE_CONNECTION_STRING",
        os.environ.get("AZURE_STORAGE_CONNECTION_STRING", AZURITE))
    gdal.Mkdir("/vsiaz/" + container, 0o755)  # creates the container; fine when it exists
    target = "/vsiaz/%s/%s" % (container, blob)
    src = gdal.VSIFOpenL(path, "rb")
    dst = gdal.VSIFOpenL(target, "wb")
    while True:
        chunk = gdal.VSIFReadL(1, 1 << 22, src)
        if not chunk:
            break
        gdal.VSIFWriteL(chunk, 1, len(chunk), dst)
    gdal.VSIFCloseL(src)
    if gdal.VSIFCloseL(dst) != 0:
        sys.exit("upload of %s to %s failed" % (path, target))
    print(target)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("points", "polygons"):
        generate(sys.argv[1], int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "upload":
        upload(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
