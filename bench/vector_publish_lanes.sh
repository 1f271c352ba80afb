#!/usr/bin/env bash
# process_vector's publish stage (statistics scan, ANALYZE, the six index builds) by hand with psql on
# a generated staging-shaped table, in three schedules:
#   all-at-once: the scan, then every build on its own connection at once, then ANALYZE (before);
#   lanes:       the scan and ANALYZE side by side, then the builds in N lanes, longest first (after:
#                what GeoTablePublisher does with publish-lanes = N; the lane plan below is the one
#                PublishLanes computes for these six builds, GIST ~5x a btree);
#   sequential:  everything one after another on one connection (publish-lanes = 1).
# ANALYZE cannot overlap the builds: it takes SHARE UPDATE EXCLUSIVE, which conflicts with the SHARE
# lock of CREATE INDEX, so it would only queue behind them.
# Every run builds on a fresh copy of the table (never vacuumed, like a staging table after COPY).
# Needs only PostgreSQL + PostGIS (no services). Example:
#   bench/vector_publish_lanes.sh --rows 1000000 --runs 3
# Options: --host/--port/--user (127.0.0.1/5432/postgres, PGPASSWORD or postgres), --db NAME
#   (publish_lanes_bench, dropped and created), --rows N, --runs N, --keep (keep the database).
set -euo pipefail

HOST=127.0.0.1
PORT=5432
USER_NAME=postgres
DB=publish_lanes_bench
ROWS=1000000
RUNS=3
KEEP=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --host) HOST="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --user) USER_NAME="$2"; shift 2 ;;
        --db) DB="$2"; shift 2 ;;
        --rows) ROWS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
export PGPASSWORD="${PGPASSWORD:-postgres}"
psql_admin() { psql -h "$HOST" -p "$PORT" -U "$USER_NAME" -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
sql() { psql -h "$HOST" -p "$PORT" -U "$USER_NAME" -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@" >/dev/null; }
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

JOB=0123456789abcdef0123456789abcdef
psql_admin -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null
sql -c "CREATE EXTENSION postgis" -c "CREATE SCHEMA geo_staging" -c "
CREATE TABLE geo_staging.base (objectid BIGINT GENERATED ALWAYS AS IDENTITY,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  source_file TEXT DEFAULT 'bronze/points.csv', source_format VARCHAR(50) DEFAULT 'CSV',
  source_crs TEXT DEFAULT 'EPSG:4326', stac_item_id VARCHAR(255) DEFAULT 'points',
  stac_collection_id VARCHAR(255) DEFAULT 'system-vectors', etl_job_id VARCHAR(64) DEFAULT '$JOB',
  etl_batch_id VARCHAR(100), geom geometry(Point,4326), name TEXT, population BIGINT,
  area DOUBLE PRECISION, founded DATE, is_capital BOOLEAN)" -c "
INSERT INTO geo_staging.base (etl_batch_id, geom, name, population, area, founded, is_capital)
  SELECT '$JOB:' || (g / 100000), ST_SetSRID(ST_MakePoint(-180 + random() * 360, -85 + random() * 170), 4326),
    'place ' || g, g * 7, random() * 1000, DATE '2000-01-01' + g % 9000, g % 2 = 0
  FROM generate_series(1, $ROWS) g"

fresh() {
    sql -c "DROP TABLE IF EXISTS geo_staging.s" \
        -c "CREATE TABLE geo_staging.s (LIKE geo_staging.base INCLUDING DEFAULTS INCLUDING IDENTITY)" \
        -c "INSERT INTO geo_staging.s OVERRIDING SYSTEM VALUE SELECT * FROM geo_staging.base" \
        -c "CHECKPOINT"
}
build() { # one build in its own transaction, as the publisher runs it
    echo "SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL max_parallel_maintenance_workers = 0;
      CREATE INDEX IF NOT EXISTS s_$1 ON geo_staging.s USING $2 ($1);"
}
GIST=$(build geom gist)
BTREES=""
for c in stac_item_id stac_collection_id etl_job_id created_at; do BTREES+=$(build "$c" btree); done
PKEY="SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL max_parallel_maintenance_workers = 0;
  CREATE UNIQUE INDEX IF NOT EXISTS s_pkey ON geo_staging.s USING btree (objectid);"
SCAN="SELECT count(*), ST_Extent(geom), min(created_at) FROM geo_staging.s"
SCAN_NO_COUNT="SELECT ST_Extent(geom), min(created_at) FROM geo_staging.s"

all_at_once() {
    sql -c "$SCAN"
    local t1; t1=$(now)
    sql -c "$GIST" & sql -c "$PKEY" &
    for c in stac_item_id stac_collection_id etl_job_id created_at; do sql -c "$(build "$c" btree)" & done
    wait
    local t2; t2=$(now)
    sql -c "ANALYZE geo_staging.s"
    echo "builds $(ms "$t1" "$t2") ms"
}
lanes() {
    sql -c "$SCAN_NO_COUNT" & sql -c "ANALYZE geo_staging.s" & wait
    local t1; t1=$(now)
    sql -c "$GIST" & sql -c "$PKEY" -c "$BTREES" & wait
    local t2; t2=$(now)
    echo "builds $(ms "$t1" "$t2") ms"
}
sequential() {
    sql -c "$SCAN_NO_COUNT" -c "ANALYZE geo_staging.s"
    local t1; t1=$(now)
    sql -c "$GIST" -c "$PKEY" -c "$BTREES"
    local t2; t2=$(now)
    echo "builds $(ms "$t1" "$t2") ms"
}

echo "rows $ROWS, table $(psql -h "$HOST" -p "$PORT" -U "$USER_NAME" -X -At -d "$DB" \
    -c "SELECT pg_size_pretty(pg_relation_size('geo_staging.base'))"), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
    for schedule in all_at_once lanes sequential; do
        fresh
        t0=$(now)
        detail=$($schedule)
        t3=$(now)
        echo "run $run $schedule: total $(ms "$t0" "$t3") ms ($detail), load $(cut -d' ' -f1 /proc/loadavg)"
    done
done
sql -c "DROP TABLE IF EXISTS geo_staging.s"
if [[ $KEEP == 0 ]]; then psql_admin -c "DROP DATABASE $DB"; fi
