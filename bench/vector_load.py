#!/usr/bin/env python3
"""process_vector against ogr2ogr -f PostgreSQL (PG_USE_COPY=YES), side by side, same file, same database.

Generates a point CSV (--points rows, default 1,000,000) and a polygon GeoJSONSeq (--polygons features), and
the same polygons as a GeoPackage (unless --no-gpkg) and as a GeoJSON FeatureCollection (unless --no-geojson),
uploads each to Azurite (container --container), submits process_vector through the gateway, polls its status
every 0.05 s until the job ends, then loads the same file with ogr2ogr into geo_bench.<table> of the same
database, twice: from the local file, and from blob storage (GDAL's /vsiaz/, where the job reads it from;
AZURE_STORAGE_CONNECTION_STRING, default local Azurite). It also times fetching the blob with one GET, so the
by-hand route "download, then ogr2ogr on the copy" gets a ratio too. ogr2ogr gets the job's normalisation: -t_srs EPSG:4326, -dim XY, points -nlt MULTIPOINT,
polygons -makevalid -nlt PROMOTE_TO_MULTI, CSV types detected from the whole file. Prints features/s for each
and the ratios (ogr2ogr time / process_vector time; >= 1 means the job is at least as fast). Results are
appended as JSON lines to bench/results/vector_load.jsonl. Needs the platform up (./platform up). Standard
library only. One small untimed job per case warms the services first (--no-warmup to skip). Each timed run
starts on a settled database (a CHECKPOINT, and no autovacuum worker busy with the
previous run's table).

  python3 bench/vector_load.py --points 20000 --polygons 2000      # quick check
  python3 bench/vector_load.py                                       # full size (lead, quiet machine)
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import shutil
import tempfile
import time
import urllib.error
import urllib.request

AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def connection_string(args):
    """GDAL's /vsiaz/ credentials: the environment's, else the Azurite account the job uses locally."""
    return os.environ.get("AZURE_STORAGE_CONNECTION_STRING") or (
        f"DefaultEndpointsProtocol=http;AccountName={args.account};AccountKey={args.account_key};"
        f"BlobEndpoint={args.blob_endpoint};")


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def blob_request(args, method, path, query="", body=b"", extra=None, into=None):
    """A Shared Key-signed Blob REST call on Azurite (path-style URL: /account/container/blob); a GET's body
    is streamed into the file `into` when given."""
    account = args.account
    headers = {"x-ms-date": datetime.datetime.utcnow().strftime("%a, %d %b %Y %H:%M:%S GMT"),
               "x-ms-version": "2021-08-06"}
    headers.update(extra or {})
    canon_headers = "".join(f"{k}:{v}\n" for k, v in sorted(headers.items()) if k.startswith("x-ms-"))
    canon_resource = f"/{account}/{account}/{path}"
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    for k in sorted(params):
        canon_resource += f"\n{k}:{params[k]}"
    length = str(len(body)) if body else ""
    ctype = headers.get("Content-Type", "")
    to_sign = f"{method}\n\n\n{length}\n\n{ctype}\n\n\n\n\n\n\n{canon_headers}{canon_resource}"
    sig = base64.b64encode(hmac.new(base64.b64decode(args.account_key), to_sign.encode(), hashlib.sha256).digest())
    headers["Authorization"] = f"SharedKey {account}:{sig.decode()}"
    url = f"{args.blob_endpoint}/{path}" + (f"?{query}" if query else "")
    req = urllib.request.Request(url, data=body if body else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            if into:
                with open(into, "wb") as f:
                    shutil.copyfileobj(r, f, 1 << 20)
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def upload(args, name, path):
    status = blob_request(args, "PUT", args.container, "restype=container")
    if status not in (201, 409):
        sys.exit(f"create container {args.container}: HTTP {status}")
    with open(path, "rb") as f:
        body = f.read()
    status = blob_request(args, "PUT", f"{args.container}/{name}", body=body,
                          extra={"x-ms-blob-type": "BlockBlob", "Content-Type": "application/octet-stream"})
    if status != 201:
        sys.exit(f"upload {name}: HTTP {status}")


def make_points(path, n):
    rnd = random.Random(42)
    with open(path, "w") as f:
        f.write("id,name,value,lat,lon\n")
        for i in range(n):
            f.write(f"{i},point {i},{rnd.random() * 1000:.3f},{rnd.uniform(-60, 60):.6f},{rnd.uniform(-170, 170):.6f}\n")


def make_polygons(path, n):
    rnd = random.Random(7)
    with open(path, "w") as f:
        for i in range(n):
            x, y, r = rnd.uniform(-170, 170), rnd.uniform(-60, 60), rnd.uniform(0.01, 0.2)
            ring = []
            for k in range(24):
                import math
                a = 2 * math.pi * k / 24
                ring.append([round(x + r * math.cos(a), 6), round(y + r * math.sin(a), 6)])
            ring.append(ring[0])
            f.write(json.dumps({"type": "Feature", "properties": {"id": i, "kind": f"k{i % 10}"},
                                "geometry": {"type": "Polygon", "coordinates": [ring]}}) + "\n")


def settle(args):
    """Starts every timed run on a quiet database: a CHECKPOINT (dirty buffers of the previous load written
    now, not during the next run), then waits until no autovacuum worker is busy (each load's big new
    table gets vacuumed and analysed in the background), at most 120 s."""
    url = f"postgresql://{args.pg_user}:{args.pg_password}@{args.pg_host}:{args.pg_port}/{args.db}"
    subprocess.run(["psql", "-X", url, "-qc", "CHECKPOINT"], check=True)
    for _ in range(240):
        busy = subprocess.run(["psql", "-X", url, "-Atc",
                               "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"],
                              check=True, capture_output=True, text=True).stdout.strip()
        if busy == "0":
            break
        time.sleep(0.5)
    time.sleep(1)


def run_job(args, params):
    t0 = time.time()
    status, body = http("POST", f"{args.gateway}/api/jobs/submit/process_vector", params)
    if status not in (200, 202):
        sys.exit(f"submit -> {status} {body}")
    job_id = body["job_id"]
    while True:
        _, s = http("GET", f"{args.gateway}/api/jobs/status/{job_id}")
        if s["status"] in ("completed", "failed", "completed_with_errors", "cancelled"):
            if s["status"] != "completed":
                sys.exit(f"job {job_id} ended {s['status']}: {s.get('error_details')}")
            return job_id, time.time() - t0
        # polled often enough that the wait between the job's end and the client's seeing it stays
        # small next to the job (at 0.2 s it added 0.1 s on average)
        time.sleep(0.05)


def run_ogr(args, path, table, extra):
    """ogr2ogr into geo_bench.<table> with the job's normalisation; path may be a /vsiaz/ name."""
    # the same transport as the platform's own connections (unencrypted on loopback by default)
    pg = (f"PG:host={args.pg_host} port={args.pg_port} dbname={args.db} user={args.pg_user} "
          f"password={args.pg_password} sslmode={args.pg_sslmode}")
    cmd = ["ogr2ogr", "-f", "PostgreSQL", pg, path, "-nln", f"geo_bench.{table}", "-overwrite",
           "-lco", "GEOMETRY_NAME=geom", "-t_srs", "EPSG:4326", "-dim", "XY",
           "--config", "PG_USE_COPY", "YES"] + extra
    subprocess.run(["psql", f"postgresql://{args.pg_user}:{args.pg_password}@{args.pg_host}:{args.pg_port}/{args.db}",
                    "-qc", "CREATE SCHEMA IF NOT EXISTS geo_bench"], check=True)
    env = dict(os.environ, AZURE_STORAGE_CONNECTION_STRING=connection_string(args))
    t0 = time.time()
    subprocess.run(cmd, check=True, env=env)
    return time.time() - t0


def download(args, blob, into):
    """Seconds to fetch the blob into a local file with one GET: what a user does before running ogr2ogr
    on a local copy."""
    t0 = time.time()
    status = blob_request(args, "GET", f"{args.container}/{blob}", into=into)
    if status != 200:
        sys.exit(f"download {blob}: HTTP {status}")
    return time.time() - t0


def compare(args, label, path, blob, n, params, ogr_extra):
    upload(args, blob, path)
    run = str(int(time.time()))
    table = f"bench_{label}_{run}"
    settle(args)
    job_id, job_s = run_job(args, dict(params, container_name=args.container, blob_name=blob, table_name=table))
    settle(args)
    ogr_s = run_ogr(args, path, table, ogr_extra)
    settle(args)
    ogr_blob_s = run_ogr(args, f"/vsiaz/{args.container}/{blob}", table + "_vsiaz", ogr_extra)
    settle(args)
    copy = path + ".downloaded"
    download_s = download(args, blob, copy)
    os.remove(copy)
    # ogr2ogr's copies are measured, not kept: a full set leaves ~3 GB of them otherwise (the job's
    # tables stay published, with their STAC items)
    subprocess.run(["psql", "-X", f"postgresql://{args.pg_user}:{args.pg_password}@{args.pg_host}:{args.pg_port}/{args.db}",
                    "-qc", f"DROP TABLE IF EXISTS geo_bench.{table}, geo_bench.{table}_vsiaz"], check=True)
    row = {"case": label, "features": n, "process_vector_s": round(job_s, 2), "ogr2ogr_s": round(ogr_s, 2),
           "ogr2ogr_vsiaz_s": round(ogr_blob_s, 2), "download_s": round(download_s, 2),
           "process_vector_fps": round(n / job_s), "ogr2ogr_fps": round(n / ogr_s),
           "ogr2ogr_vsiaz_fps": round(n / ogr_blob_s),
           "ratio": round(ogr_s / job_s, 2), "ratio_vsiaz": round(ogr_blob_s / job_s, 2),
           "ratio_download_then_local": round((download_s + ogr_s) / job_s, 2),
           "ogr2ogr_normalised": True, "job_id": job_id,
           "at": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z"}
    print(f"{label:9s} {n:>9,d} features  process_vector         {row['process_vector_fps']:>9,d}/s ({job_s:.1f} s)")
    print(f"{'':9s} {'':>9s}           ogr2ogr (local file)   {row['ogr2ogr_fps']:>9,d}/s ({ogr_s:.1f} s)"
          f"   ratio {row['ratio']:.2f}")
    print(f"{'':9s} {'':>9s}           ogr2ogr (/vsiaz/ blob) {row['ogr2ogr_vsiaz_fps']:>9,d}/s ({ogr_blob_s:.1f} s)"
          f"   ratio {row['ratio_vsiaz']:.2f}")
    print(f"{'':9s} {'':>9s}           download ({download_s:.2f} s), then ogr2ogr on it"
          f"   ratio {row['ratio_download_then_local']:.2f}")
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/vector_load.jsonl", "a") as f:
        f.write(json.dumps(row) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--polygons", type=int, default=200_000)
    p.add_argument("--chunk-size", type=int, default=100_000)
    p.add_argument("--no-gpkg", action="store_true",
                   help="skip the third case: the same polygons as a GeoPackage (cheap to read, so staging shows)")
    p.add_argument("--no-warmup", action="store_true",
                   help="skip the untimed small job per case that warms the services' JIT first")
    p.add_argument("--no-geojson", action="store_true",
                   help="skip the fourth case: the same polygons as one GeoJSON FeatureCollection (not cut into parts)")
    p.add_argument("--gateway", default="http://127.0.0.1:8080")
    p.add_argument("--blob-endpoint", default="http://127.0.0.1:10000/devstoreaccount1")
    p.add_argument("--account", default="devstoreaccount1")
    p.add_argument("--account-key", default=AZURITE_KEY)
    p.add_argument("--container", default="bronze-bench")
    p.add_argument("--db", default=os.environ.get("GEOMACHINE_DB", "geomachine"))
    p.add_argument("--pg-host", default="127.0.0.1")
    p.add_argument("--pg-port", default="5432")
    p.add_argument("--pg-user", default="postgres")
    p.add_argument("--pg-password", default="postgres")
    p.add_argument("--pg-sslmode", default="disable",
                   help="ogr2ogr's sslmode: the platform's connections use the datasource ssl-mode (disable locally)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        if not args.no_warmup:
            # The services are long-running: the first jobs after a JVM start pay for JIT compilation
            # (1-2 s on this machine). One small untimed job per case first, so the timed jobs measure the
            # steady state; ogr2ogr, a fresh process every time, has no such warm-up to pay.
            # a fifth of the points, a tenth of the polygons and chunks: big enough to be cut into parts and
            # loaded in several chunks, so the code paths of the timed jobs are the ones compiled
            warm = cases(args, os.path.join(d, "warmup"), args.points // 5, args.polygons // 10,
                         max(1000, args.chunk_size // 10))
            for label, path, blob, n, params, _ in warm:
                upload(args, blob, path)
                run_job(args, dict(params, container_name=args.container, blob_name=blob,
                                   table_name=f"warmup_{label}_{int(time.time())}"))
                print(f"warm-up: {label} ({n:,} features) done", flush=True)
        for label, path, blob, n, params, ogr_extra in cases(args, d, args.points, args.polygons,
                                                             args.chunk_size):
            compare(args, label, path, blob, n, params, ogr_extra)


def cases(args, d, points, polygons, chunk_size):
    """(label, file, blob, features, job parameters, ogr2ogr options) of each case, files made in d."""
    os.makedirs(d, exist_ok=True)
    if points:
        csv = os.path.join(d, "points.csv")
        make_points(csv, points)
        yield ("points", csv, f"bench/points_{points}.csv", points,
               {"chunk_size": chunk_size, "converter_params": {"lat_name": "lat", "lon_name": "lon"}},
               ["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "KEEP_GEOM_COLUMNS=NO",
                "-oo", "AUTODETECT_TYPE=YES", "-oo", "AUTODETECT_SIZE_LIMIT=0", "-s_srs", "EPSG:4326",
                "-nlt", "MULTIPOINT"])
    if polygons:
        polygon_options = ["-makevalid", "-nlt", "PROMOTE_TO_MULTI"]
        seq = os.path.join(d, "polygons.geojsonl")
        make_polygons(seq, polygons)
        yield ("polygons", seq, f"bench/polygons_{polygons}.geojsonl", polygons,
               {"chunk_size": chunk_size}, polygon_options)
        # the same polygons in two more formats: a GeoPackage (cheap to read, so staging shows) and one
        # GeoJSON FeatureCollection
        for label, driver, skip in (("gpkg", "GPKG", args.no_gpkg), ("geojson", "GeoJSON", args.no_geojson)):
            if skip:
                continue
            same = os.path.join(d, f"polygons.{label}")
            subprocess.run(["ogr2ogr", "-f", driver, same, seq, "-nln", "polygons"], check=True,
                           stderr=subprocess.DEVNULL)
            yield (label, same, f"bench/polygons_{polygons}.{label}", polygons,
                   {"chunk_size": chunk_size}, polygon_options)


if __name__ == "__main__":
    main()
