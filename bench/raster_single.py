#!/usr/bin/python3
"""process_raster end to end vs. the raw `gdal_translate -of COG` with the same options.

Generates a synthetic raster of at least --size-mb (default 512 MB), uploads it with
`./platform upload` (local Azurite), then times, side by side in one run:
  1. `gdal_translate -of COG` by hand on a local copy of the file, output on local disk (the tool
     alone: no blob storage on either side);
  2. the same command by hand on the blob itself, as a user would run it to get the same result as
     the job: reading `/vsiaz/<container>/<blob>` and writing the COG to `/vsiaz/silver-cogs/...`
     (GDAL's documented way: CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE=YES);
  3. process_raster through the gateway, polled until it ends, with its per-task times.
Prints the job's overhead against both. Run on a quiet machine with the platform up
(./platform up). Use --size-mb 5 to check the script quickly.

  /usr/bin/python3 bench/raster_single.py --size-mb 600 [--gateway http://127.0.0.1:8080]
"""
import argparse, json, math, os, shutil, subprocess, sys, tempfile, time, urllib.request, uuid

# The options CogWriter uses for a 3-band 8-bit RGB source in its native CRS, analysis tier.
COG_OPTIONS = ["COMPRESS=DEFLATE", "PREDICTOR=STANDARD", "BLOCKSIZE=512", "OVERVIEWS=IGNORE_EXISTING",
               "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"]


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_source(path, side):
    """A UTM RGB GeoTIFF with realistic, poorly compressible content (smooth fields plus noise),
    written block by block so memory stays small."""
    import numpy as np
    from osgeo import gdal, osr
    ds = gdal.GetDriverByName("GTiff").Create(path, side, side, 3, gdal.GDT_Byte,
                                              ["TILED=YES", "BIGTIFF=IF_SAFER"])
    ds.SetGeoTransform([500000, 1, 0, 5000000 + side, 0, -1])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    rng = np.random.default_rng(42)
    rows = 1024
    for y0 in range(0, side, rows):
        h = min(rows, side - y0)
        yy, xx = np.mgrid[y0:y0 + h, 0:side]
        for b, (fx, fy) in enumerate(((300.0, 500.0), (700.0, 200.0), (450.0, 450.0)), 1):
            field = 127 + 90 * np.sin(xx / fx) * np.cos(yy / fy)
            noise = rng.integers(-25, 25, size=(h, side))
            ds.GetRasterBand(b).WriteArray(np.clip(field + noise, 0, 255).astype(np.uint8), 0, y0)
    ds = None


AZURITE = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1"
           "OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
           "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")


def run(cmd, **env):
    subprocess.run(cmd, check=True, env={**os.environ, "GDAL_PAM_ENABLED": "NO", **env})


def timed(label, fn):
    t0 = time.time()
    fn()
    took = time.time() - t0
    print(f"{label}: {took:.2f} s")
    return took


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def iso(value):
    """Seconds since the epoch of the gateway's timestamps (ISO-8601, UTC, maybe without zone)."""
    import datetime
    v = value.replace("Z", "+00:00")
    d = datetime.datetime.fromisoformat(v)
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=512)
    ap.add_argument("--gateway", default="http://127.0.0.1:8080")
    ap.add_argument("--container", default="bench-rasters")
    a = ap.parse_args()
    side = int(math.ceil(math.sqrt(a.size_mb * 1024 * 1024 / 3)))
    work = tempfile.mkdtemp(prefix="raster-bench-")
    try:
        src = os.path.join(work, "bench_rgb.tif")
        make_source(src, side)
        size = os.path.getsize(src)
        print(f"source: {side}x{side}x3 Byte, {size / 1e6:.0f} MB")

        blob = f"bench/{uuid.uuid4().hex[:8]}/bench_rgb.tif"
        t0 = time.time()
        subprocess.run([os.path.join(ROOT, "platform"), "upload", a.container, src, blob], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"upload of the source to blob storage (not part of any time): {time.time() - t0:.1f} s")

        translate = ["gdal_translate", "-q", "-of", "COG"] + sum([["-co", o] for o in COG_OPTIONS], [])
        cog = os.path.join(work, "by_hand_cog.tif")
        local = timed("1. gdal_translate -of COG by hand, local file -> local file",
                      lambda: run(translate + [src, cog]))
        os.remove(cog)
        storage = os.environ.get("AZURE_STORAGE_CONNECTION_STRING", AZURITE)
        by_hand_blob = f"/vsiaz/silver-cogs/bench-by-hand/{uuid.uuid4().hex[:8]}.tif"
        blob_to_blob = timed("2. gdal_translate -of COG by hand, /vsiaz/ source -> /vsiaz/ COG",
                             lambda: run(translate + [f"/vsiaz/{a.container}/{blob}", by_hand_blob],
                                         AZURE_STORAGE_CONNECTION_STRING=storage,
                                         CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE="YES"))

        params = {"container_name": a.container, "blob_name": blob, "target_crs": "native",
                  "raster_type": "rgb", "output_tier": "analysis"}
        t0 = time.time()
        sub = http("POST", f"{a.gateway}/api/jobs/submit/process_raster", params)
        job_id = sub.get("job_id") or sub.get("job", {}).get("job_id")
        while True:
            st = http("GET", f"{a.gateway}/api/jobs/status/{job_id}")
            if st.get("status") in ("completed", "failed", "completed_with_errors", "cancelled"):
                break
            time.sleep(0.1)
        job = time.time() - t0
        print(f"3. process_raster job ({st.get('status')}): {job:.2f} s")
        for t in http("GET", f"{a.gateway}/api/jobs/{job_id}/tasks").get("tasks", []):
            took = (iso(t["updated_at"]) - iso(t["created_at"]))
            extra = ""
            result = t.get("result_data") or {}
            if "gdal_ms" in result:
                extra = f" (of which gdal_translate {result['gdal_ms'] / 1000:.2f} s)"
            print(f"   stage {t['stage']} {t['task_type']}: {took:.2f} s{extra}")
        print(f"overhead vs 1 (tool alone, no storage): {100 * (job - local) / local:+.1f} %")
        print(f"overhead vs 2 (by hand on the blob):    {100 * (job - blob_to_blob) / blob_to_blob:+.1f} %"
              " (target: within 15 %)")
        if st.get("status") != "completed":
            print(json.dumps(st, indent=2))
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
