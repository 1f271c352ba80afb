#!/usr/bin/env bash
# process_vector demo: generates a small sample GeoPackage (1,000 points with typed attributes),
# uploads it to the bronze container, submits process_vector through the gateway, waits for the job
# and prints where to see the result. Meant to be called by `./platform demo` (cmd_demo) after the
# hello_world demo, or by hand with the platform up:
#
#   deploy/demo/vector-demo.sh [gateway-url]          # default http://127.0.0.1:8080
#
# Environment: AZURE_STORAGE_CONNECTION_STRING (default: local Azurite), DEMO_CONTAINER (bronze),
# DEMO_TABLE (demo_points), DEMO_FEATURES (1000), DEMO_TIMEOUT (180 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="${1:-http://127.0.0.1:8080}"
container="${DEMO_CONTAINER:-bronze}"
table="${DEMO_TABLE:-demo_points}"
features="${DEMO_FEATURES:-1000}"
timeout="${DEMO_TIMEOUT:-180}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

field() { python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else v)' "$1"; }

/usr/bin/python3 "$here/vector_sample.py" points "$features" "$work/demo_points.gpkg"
/usr/bin/python3 "$here/vector_sample.py" upload "$work/demo_points.gpkg" "$container" "demo/demo_points.gpkg" >/dev/null
echo "uploaded $features sample points to $container/demo/demo_points.gpkg"

# overwrite: a second demo run replaces the table (the same parameters answer the same job id)
resp="$(curl -sS --fail-with-body --max-time 30 -X POST "$base/api/jobs/submit/process_vector" \
    -H 'Content-Type: application/json' \
    -d "{\"container_name\":\"$container\",\"blob_name\":\"demo/demo_points.gpkg\",\"table_name\":\"$table\",\"overwrite\":true,\"indexes\":[{\"columns\":[\"category\"],\"type\":\"btree\"}]}")"
job_id="$(field job_id <<<"$resp")"
[[ -n $job_id ]] || { echo "submit failed: $resp" >&2; exit 1; }
echo "process_vector job $job_id"

deadline=$((SECONDS + timeout))
while :; do
    last="$(curl -sS --max-time 10 "$base/api/jobs/status/$job_id" || true)"
    status="$(field status <<<"$last" 2>/dev/null || true)"
    case "${status,,}" in
    completed) break ;;
    failed | cancelled) echo "$last" >&2; echo "job $job_id ${status,,}" >&2; exit 1 ;;
    esac
    ((SECONDS < deadline)) || { echo "job $job_id not done after ${timeout}s: $last" >&2; exit 1; }
    sleep 1
done
python3 -m json.tool <<<"$last" 2>/dev/null || echo "$last"
cat <<MSG

The sample points are in PostGIS table geo.$table:
  psql -h 127.0.0.1 -U postgres -d geomachine -c 'SELECT objectid, name, category, ST_AsText(geom) FROM geo.$table LIMIT 5'
Job, tasks and result:  $base/api/jobs/status/$job_id   $base/api/jobs/$job_id/tasks
MSG
