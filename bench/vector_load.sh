#!/usr/bin/env bash
# process_vector vs ogr2ogr -f PostgreSQL (PG_USE_COPY=YES) on the same files and database; see bench/vector_load.py.
# Assumes the platform is up (./platform up). Example: bench/vector_load.sh --points 20000 --polygons 2000
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/vector_load.py "$@"
