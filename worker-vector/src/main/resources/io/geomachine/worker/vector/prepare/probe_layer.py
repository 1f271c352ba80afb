"""Schema-only probe of one vector layer (GDAL 3.6 has no `ogrinfo -json`).

Usage: probe_layer.py [--then-translate] <path> <layer name or ''> [open option ...]
Prints one JSON object (one line): the driver, the chosen layer's geometry type, Z/M, CRS, fields and
whether it has features; or {"error": CODE, "message": ...}. Reads at most SAMPLE features.

With --then-translate it then reads one line from standard input: nothing (or end of input) ends it;
{"dest": path, "args": [ogr2ogr arguments, layer name last], "config": {name: value}} converts the
layer it has open with gdal.VectorTranslate, as `ogr2ogr args dest path` would, without opening (for
GeoJSONSeq: parsing the whole file for its schema) a second time. Exit status 1 when that fails, with
GDAL's errors on standard error as ogr2ogr prints them.
"""
import json
import sys

from osgeo import gdal, ogr, osr

SAMPLE = 1000


def fail(code, message):
    print(json.dumps({"error": code, "message": message}))
    sys.exit(0)


def crs(sr):
    if sr is None:
        return None
    sr = sr.Clone()
    sr.AutoIdentifyEPSG()
    auth, code = sr.GetAuthorityName(None), sr.GetAuthorityCode(None)
    if auth and code:
        return {"id": auth.upper() + ":" + code, "name": sr.GetName()}
    return {"id": None, "name": sr.GetName() or "unnamed CRS"}


def main():
    gdal.UseExceptions()
    gdal.SetConfigOption("SHAPE_RESTORE_SHX", "YES")  # a shapefile without .shx: GDAL rebuilds it
    argv = sys.argv[1:]
    then_translate = argv[:1] == ["--then-translate"]
    if then_translate:
        argv = argv[1:]
    path, wanted = argv[0], argv[1] or None
    try:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY, open_options=argv[2:])
    except RuntimeError as e:
        fail("FILE_UNREADABLE", str(e).strip())
    if ds is None or ds.GetLayerCount() == 0:
        fail("FILE_UNREADABLE", "GDAL finds no vector layer in it")
    layers = [ds.GetLayer(i) for i in range(ds.GetLayerCount())]
    names = [lyr.GetName() for lyr in layers]
    if wanted is not None:
        if wanted not in names:
            fail("LAYER_NOT_FOUND", "no layer '%s'; layers: %s" % (wanted, ", ".join(names)))
        layer = layers[names.index(wanted)]
        if layer.GetLayerDefn().GetGeomFieldCount() == 0:
            fail("NO_GEOMETRY", "layer '%s' has no geometry column" % wanted)
    else:
        spatial = [lyr for lyr in layers if lyr.GetLayerDefn().GetGeomFieldCount() > 0]
        if not spatial:
            fail("NO_GEOMETRY", "no layer has a geometry column (layers: %s)" % ", ".join(names))
        layer = spatial[0]
    defn = layer.GetLayerDefn()
    fields = []
    for i in range(defn.GetFieldCount()):
        fd = defn.GetFieldDefn(i)
        fields.append({
            "name": fd.GetName(),
            "type": ogr.GetFieldTypeName(fd.GetType()),
            "subtype": ogr.GetFieldSubTypeName(fd.GetSubType()),
            "width": fd.GetWidth(),
            "precision": fd.GetPrecision(),
        })
    declared = layer.GetGeomType()
    types, has_z, has_m, count = set(), ogr.GT_HasZ(declared), ogr.GT_HasM(declared), 0
    layer.ResetReading()
    for feature in layer:
        count += 1
        g = feature.GetGeometryRef()
        if g is not None:
            t = g.GetGeometryType()
            types.add(ogr.GeometryTypeToName(ogr.GT_Flatten(t)))
            has_z = has_z or ogr.GT_HasZ(t)
            has_m = has_m or ogr.GT_HasM(t)
        if count >= SAMPLE:
            break
    print(json.dumps({
        "driver": ds.GetDriver().ShortName,
        "layers": names,
        "layer": layer.GetName(),
        "geometry_type": ogr.GeometryTypeToName(ogr.GT_Flatten(declared)),
        "geometry_type_code": ogr.GT_Flatten(declared),
        "sampled_types": sorted(types),
        "has_z": bool(has_z),
        "has_m": bool(has_m),
        "has_features": count > 0,
        "crs": crs(layer.GetSpatialRef()),
        "fields": fields,
        "fid_range": fid_range(ds, layer),
    }), flush=True)
    if then_translate:
        translate(ds, layer)


def fid_range(ds, layer):
    """The layer's feature ids when they are cheap to know, so prepare can convert id ranges at once:
    {"column", "min", "max", "count"}. A GeoPackage answers from its primary key (column: the id column);
    FlatGeobuf and shapefiles number features 0..n-1 and know n from their header (column: None, the OGR
    "FID" special field). None for other drivers or on any doubt."""
    driver = ds.GetDriver().ShortName
    if driver in ("FlatGeobuf", "ESRI Shapefile"):
        count = layer.GetFeatureCount(force=0)
        if count is None or count <= 0:
            return None
        return {"column": None, "min": 0, "max": count - 1, "count": count}
    if driver != "GPKG" or not layer.GetFIDColumn():
        return None
    column = layer.GetFIDColumn()
    sql = 'SELECT MIN("%s"), MAX("%s"), COUNT(*) FROM "%s"' % (
        column.replace('"', '""'), column.replace('"', '""'), layer.GetName().replace('"', '""'))
    try:
        result = ds.ExecuteSQL(sql, dialect="SQLITE")
    except RuntimeError:
        return None
    if result is None:
        return None
    try:
        row = result.GetNextFeature()
        if row is None or row.GetField(0) is None:
            return None
        return {"column": column, "min": int(row.GetField(0)), "max": int(row.GetField(1)),
                "count": int(row.GetField(2))}
    finally:
        ds.ReleaseResultSet(result)


def translate(ds, layer):
    order = sys.stdin.readline().strip()
    if not order:
        return
    order = json.loads(order)
    for name, value in order.get("config", {}).items():
        gdal.SetConfigOption(name, value)
    layer.ResetReading()  # the probe read the first features
    gdal.DontUseExceptions()  # errors go to stderr as ogr2ogr prints them
    out = gdal.VectorTranslate(order["dest"], ds, options=order["args"])
    if out is None:
        sys.exit(1)
    out = None  # closing the output writes its end


main()
