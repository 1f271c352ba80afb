#!/usr/bin/python3
"""process_raster end to end vs. the raw `gdal_translate -of COG` with the same options.

Generates a synthetic raster of at least --size-mb (default 512 MB), uploads it to Azurite,
times the COG command by hand, then submits process_raster to the gateway and polls until it
ends; prints both times and the job's overhead in percent. Run on a quiet machine with the
platform up (./platform up). Use --size-mb 5 to check the script quickly.

  /usr/bin/python3 bench/raster_single.py --size-mb 600 [--gateway http://127.0.0.1:8080]
"""
import argparse, json, math, os, shutil, subprocess, sys, tempfile, time, urllib.request, uuid

AZURITE = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
           "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")
# The options CogWriter uses for a 3-band 8-bit RGB source in its native CRS, analysis tier.
COG_OPTIONS = ["COMPRESS=DEFLATE", "PREDICTOR=STANDARD", "BLOCKSIZE=512", "OVERVIEWS=IGNORE_EXISTING",
               "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"]


def run(cmd):
    subprocess.run(cmd, check=True, env={**os.environ, "GDAL_PAM_ENABLED": "NO"})


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


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
        # varied content (a gradient through a VRT expression-free path: a warped noise-like pattern)
        run(["gdal_create", "-q", "-of", "GTiff", "-outsize", str(side), str(side), "-bands", "3", "-ot", "Byte",
             "-burn", "10", "-burn", "120", "-burn", "200", "-a_srs", "EPSG:32633",
             "-a_ullr", "500000", str(5000000 + side), str(500000 + side), "5000000", "-co", "TILED=YES", src])
        size = os.path.getsize(src)
        print(f"source: {side}x{side}x3 Byte, {size / 1e6:.0f} MB")

        cog = os.path.join(work, "by_hand_cog.tif")
        t0 = time.time()
        run(["gdal_translate", "-q", "-of", "COG"] + sum([["-co", o] for o in COG_OPTIONS], []) + [src, cog])
        raw = time.time() - t0
        print(f"gdal_translate -of COG by hand: {raw:.2f} s")

        try:
            from azure.storage.blob import BlobServiceClient
        except ImportError:
            sys.exit("the upload needs azure-storage-blob: run this script with a Python that has it,"
                     " e.g. python3 -m venv /tmp/v && /tmp/v/bin/pip install azure-storage-blob ")
        svc = BlobServiceClient.from_connection_string(os.environ.get("AZURE_STORAGE_CONNECTION_STRING", AZURITE))
        try:
            svc.create_container(a.container)
        except Exception:
            pass
        blob = f"bench/{uuid.uuid4().hex[:8]}/bench_rgb.tif"
        with open(src, "rb") as f:
            svc.get_blob_client(a.container, blob).upload_blob(f, overwrite=True, max_concurrency=4)

        params = {"container_name": a.container, "blob_name": blob, "target_crs": "native",
                  "raster_type": "rgb", "output_tier": "analysis"}
        t0 = time.time()
        sub = http("POST", f"{a.gateway}/api/jobs/submit/process_raster", params)
        job_id = sub.get("job_id") or sub.get("job", {}).get("job_id")
        while True:
            st = http("GET", f"{a.gateway}/api/jobs/status/{job_id}")
            if st.get("status") in ("completed", "failed", "completed_with_errors", "cancelled"):
                break
            time.sleep(0.25)
        job = time.time() - t0
        print(f"process_raster job ({st.get('status')}): {job:.2f} s")
        print(f"overhead: {100 * (job - raw) / raw:+.1f} % (target: within 15 %)")
        if st.get("status") != "completed":
            print(json.dumps(st, indent=2))
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
