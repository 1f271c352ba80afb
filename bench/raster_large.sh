#!/usr/bin/env bash
# process_large_raster on a multi-GB raster through the gateway: wall time, and peak memory of every
# raster worker JVM and of the GDAL processes it starts, and peak local disk of the workers' work dir.
#
# The source is a generated GeoTIFF (not a sparse or VRT-backed file): 3-band Byte, tiled, no
# compression, so the blob really is --size-gb large. Its pixels are a 256x256 pseudo-random seed
# upsampled with cubic resampling (smooth but not constant, so compression has real work to do).
# It is written straight to blob storage through GDAL's /vsiaz/ (staged in $TMPDIR first, then
# uploaded in blocks), so the machine needs --size-gb of free temporary disk once.
#
# Needs the platform up (./platform up) or at least gateway, orchestrator and worker-raster.
#   bench/raster_large.sh --size-gb 4                  # the full run (the lead's)
#   bench/raster_large.sh --size-gb 0.05 --tile-size 1024   # a quick check of the script
# Options: --gateway URL (http://127.0.0.1:8080), --container NAME (bench-rasters),
#   --tile-size N (0: automatic), --worker-pids "PID ..." (default: the platform's worker-raster,
#   else every running worker-raster JVM), --work-dir DIR (the workers' work root, default
#   /tmp/geomachine-raster), --append FILE (also append the result as a Markdown row).
set -euo pipefail

SIZE_GB=4
GATEWAY=http://127.0.0.1:8080
CONTAINER=bench-rasters
TILE_SIZE=0
WORKER_PIDS=""
WORK_DIR=/tmp/geomachine-raster
APPEND=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --size-gb) SIZE_GB="$2"; shift 2 ;;
        --gateway) GATEWAY="$2"; shift 2 ;;
        --container) CONTAINER="$2"; shift 2 ;;
        --tile-size) TILE_SIZE="$2"; shift 2 ;;
        --worker-pids) WORKER_PIDS="$2"; shift 2 ;;
        --work-dir) WORK_DIR="$2"; shift 2 ;;
        --append) APPEND="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export AZURE_STORAGE_CONNECTION_STRING="${AZURE_STORAGE_CONNECTION_STRING:-DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;}"
export GDAL_PAM_ENABLED=NO

if [[ -z $WORKER_PIDS ]]; then
    pidf="$ROOT/.platform/run/worker-raster.pid"
    if [[ -s $pidf ]] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
        # the recorded pid is the service's session leader; the JVM is it or its child
        WORKER_PIDS="$(cat "$pidf") $(pgrep -P "$(cat "$pidf")" -f java || true)"
    else
        WORKER_PIDS="$(pgrep -f 'worker-raster.*quarkus-run.jar|geomachine-worker-raster' || true)"
    fi
fi
[[ -n ${WORKER_PIDS// /} ]] || { echo "no worker-raster process found (use --worker-pids)" >&2; exit 1; }

work="$(mktemp -d /tmp/raster-large-bench.XXXXXX)"
sampler=""
cleanup() {
    [[ -n $sampler ]] && kill "$sampler" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# --- the source --------------------------------------------------------------------------------
side="$(/usr/bin/python3 -c "import math; print(int(math.sqrt($SIZE_GB * 1024**3 / 3)) // 512 * 512)")"
for b in 1 2 3; do
    awk -v seed="$b" 'BEGIN { srand(seed); print "ncols 256\nnrows 256\nxllcorner 0\nyllcorner 0\ncellsize 1";
        for (y = 0; y < 256; y++) { line = ""; for (x = 0; x < 256; x++) line = line int(rand() * 256) " "; print line } }' \
        >"$work/seed$b.asc"
done
gdalbuildvrt -q -separate "$work/seed.vrt" "$work"/seed1.asc "$work"/seed2.asc "$work"/seed3.asc
blob="bench/$(date +%s)-$$/large_rgb.tif"
/usr/bin/python3 -c "from osgeo import gdal; gdal.Mkdir('/vsiaz/$CONTAINER', 0)" 2>/dev/null || true
echo "generating a ${side}x${side}x3 Byte GeoTIFF into $CONTAINER/$blob ..."
t0=$(date +%s.%N)
CPL_TMPDIR="$work" CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE=YES gdal_translate -q -of GTiff -ot Byte \
    -outsize "$side" "$side" -r cubic -a_srs EPSG:32633 \
    -a_ullr 500000 $((5000000 + side)) $((500000 + side)) 5000000 \
    -co TILED=YES -co COMPRESS=NONE -co BIGTIFF=YES -co PHOTOMETRIC=RGB \
    "$work/seed.vrt" "/vsiaz/$CONTAINER/$blob"
size_bytes="$(gdalinfo -json "/vsiaz/$CONTAINER/$blob" >/dev/null && /usr/bin/python3 - "$CONTAINER" "$blob" <<'PY'
import sys
from osgeo import gdal
print(gdal.VSIStatL(f"/vsiaz/{sys.argv[1]}/{sys.argv[2]}").size)
PY
)"
printf 'source: %s bytes (%.2f GB), generated and uploaded in %.0f s\n' "$size_bytes" \
    "$(echo "$size_bytes / 1000000000" | bc -l)" "$(echo "$(date +%s.%N) - $t0" | bc -l)"

# --- sampling ----------------------------------------------------------------------------------
# Every 0.2 s: RSS of each worker JVM, peak RSS (VmHWM) of each GDAL process it runs (children and
# grandchildren), and the size of the workers' work directory. Written as lines to $work/samples.
descendants() {
    local p
    for p in $(pgrep -P "$1" 2>/dev/null || true); do echo "$p"; descendants "$p"; done
}
kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
sample() {
    while true; do
        for w in $WORKER_PIDS; do
            [[ -d /proc/$w ]] || continue
            jvm="$(kb "$w" VmRSS)"
            echo "jvm $w ${jvm:-0}"
            total=${jvm:-0}
            for c in $(descendants "$w"); do
                comm="$(cat "/proc/$c/comm" 2>/dev/null || true)"
                [[ -z $comm || $comm == java ]] && continue
                echo "gdal $comm $(kb "$c" VmHWM)"
                rss="$(kb "$c" VmRSS)"
                total=$((total + ${rss:-0}))
            done
            # the worker's whole process tree at this instant: the JVM and every GDAL tool it runs
            echo "total $w $total"
        done
        [[ -d $WORK_DIR ]] && echo "disk $(du -sk "$WORK_DIR" 2>/dev/null | cut -f1)"
        sleep 0.2
    done >>"$work/samples"
}
sample &
sampler=$!

# --- the job -----------------------------------------------------------------------------------
params="$(jq -n --arg c "$CONTAINER" --arg b "$blob" --argjson t "$TILE_SIZE" \
    '{container_name: $c, blob_name: $b, tile_size: $t, target_crs: "native", raster_type: "rgb", output_tier: "analysis"}')"
t0=$(date +%s.%N)
job_id="$(curl -sf -X POST "$GATEWAY/api/jobs/submit/process_large_raster" -H 'Content-Type: application/json' \
    -d "$params" | jq -r '.job_id // .job.job_id')"
echo "job $job_id submitted"
while true; do
    status_json="$(curl -sf "$GATEWAY/api/jobs/status/$job_id")"
    status="$(jq -r .status <<<"$status_json")"
    case "$status" in completed | failed | completed_with_errors | cancelled) break ;; esac
    sleep 0.5
done
wall="$(echo "$(date +%s.%N) - $t0" | bc -l)"
kill "$sampler" 2>/dev/null || true
sampler=""

# --- report ------------------------------------------------------------------------------------
tiles="$(jq -r '.result_data.tile_count // "?"' <<<"$status_json")"
grid="$(jq -c '.result_data.grid // {}' <<<"$status_json")"
read_mode="$(jq -r '.result_data.read_mode // "?"' <<<"$status_json")"
printf 'process_large_raster: %s in %.1f s, %s tiles, grid %s, source read by %s\n' "$status" "$wall" "$tiles" "$grid" "$read_mode"
for w in $WORKER_PIDS; do
    peak="$(awk -v w="$w" '$1 == "jvm" && $2 == w && $3 > m { m = $3 } END { print m + 0 }' "$work/samples")"
    hwm="$(kb "$w" VmHWM)"
    tree="$(awk -v w="$w" '$1 == "total" && $2 == w && $3 > m { m = $3 } END { print m + 0 }' "$work/samples")"
    printf '  worker JVM %s: peak RSS during the job %d MB (VmHWM since start %d MB)\n' "$w" $((peak / 1024)) $((${hwm:-0} / 1024))
    printf '  worker %s with its GDAL processes (concurrent tiles summed): peak RSS %d MB\n' "$w" $((tree / 1024))
done
awk '$1 == "gdal" && $3 > m[$2] { m[$2] = $3 } $1 == "gdal" { n[$2]++ }
     END { for (k in m) printf "  %s: peak RSS %d MB\n", k, m[k] / 1024 }' "$work/samples" | sort
disk="$(awk '$1 == "disk" && $2 > m { m = $2 } END { print m + 0 }' "$work/samples")"
printf '  workers'"'"' work directory (%s): peak %d MB\n' "$WORK_DIR" $((disk / 1024))
if [[ $status != completed ]]; then
    jq . <<<"$status_json"
    exit 1
fi
if [[ -n $APPEND ]]; then
    gdal_peak="$(awk '$1 == "gdal" && $3 > m { m = $3 } END { print int(m / 1024) }' "$work/samples")"
    jvm_peak="$(awk '$1 == "jvm" && $3 > m { m = $3 } END { print int(m / 1024) }' "$work/samples")"
    tree_peak="$(awk '$1 == "total" && $3 > m { m = $3 } END { print int(m / 1024) }' "$work/samples")"
    printf '| %s | %s | %.2f GB | %s | %s | %.1f s | %s MB | %s MB | %s MB | %s MB |\n' "$(date -u +%F)" \
        "$(hostname)" "$(echo "$size_bytes / 1000000000" | bc -l)" "$TILE_SIZE" "$tiles" "$wall" "$jvm_peak" \
        "$gdal_peak" "$tree_peak" $((disk / 1024)) >>"$APPEND"
fi
