#!/usr/bin/env bash
# Deploys the GeoMachine database schemas (postgis, app, pgstac), as `./platform schema-deploy` does.
# Idempotent. Used by the schema-init service (docker-compose.yml), the Kubernetes Job and the Container Apps job.
#
# Environment:
#   PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE  libpq connection (PGSSLMODE=require for Azure)
#   PGSTAC_VERSION            pgstac version to migrate to (set by the image; ./platform pins the same)
#   GEOMACHINE_LIB            a quarkus-app/lib directory holding geomachine-core and its dependencies
#   SCHEMA_INIT_WAIT_SECONDS  how long to wait for the database to accept connections (default 120)
set -Eeuo pipefail

die() {
    echo "schema-init: ERROR: $*" >&2
    exit 1
}
log() { echo "schema-init: $*"; }

: "${PGHOST:?set PGHOST}" "${PGUSER:?set PGUSER}" "${PGDATABASE:?set PGDATABASE}"
: "${PGSTAC_VERSION:?set PGSTAC_VERSION}"
LIB="${GEOMACHINE_LIB:-/opt/geomachine/lib}"
WAIT="${SCHEMA_INIT_WAIT_SECONDS:-120}"
export PGPORT="${PGPORT:-5432}"
# psql notices ("already exists, skipping") are noise on a re-run
export PGOPTIONS="${PGOPTIONS:--c client_min_messages=warning}"

[[ -d $LIB/main ]] || die "$LIB/main is missing (GEOMACHINE_LIB must point at a service's quarkus-app/lib)"
ls "$LIB"/main/*geomachine-core*.jar >/dev/null 2>&1 || die "no geomachine-core jar in $LIB/main"

log "waiting up to ${WAIT}s for $PGHOST:$PGPORT/$PGDATABASE"
deadline=$((SECONDS + WAIT))
until psql -X -q -tAc 'SELECT 1' >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "cannot connect to $PGHOST:$PGPORT/$PGDATABASE as $PGUSER within ${WAIT}s: $(psql -X -tAc 'SELECT 1' 2>&1 | head -n 3)"
    sleep 2
done

psql_do() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

log "1/3 postgis"
psql_do -c 'CREATE EXTENSION IF NOT EXISTS postgis'
log "    PostGIS $(psql -X -tAc 'SELECT postgis_lib_version()')"

log "2/3 app schema (io.geomachine.core.schema.AppSchemaDdl)"
sql="$(mktemp /tmp/app-schema.XXXXXX.sql)"
trap 'rm -f "$sql"' EXIT
java -cp "$LIB/boot/*:$LIB/main/*" io.geomachine.core.schema.AppSchemaDdl >"$sql"
[[ -s $sql ]] || die "AppSchemaDdl printed no SQL"
log "    applying $(wc -l <"$sql") lines of DDL in one transaction"
psql_do --single-transaction -f "$sql"

log "3/3 pgstac $PGSTAC_VERSION (pypgstac migrate)"
pypgstac migrate --toversion "$PGSTAC_VERSION"
v="$(psql -X -tAc 'SELECT pgstac.get_version()')"
[[ $v == "$PGSTAC_VERSION" ]] || die "pgstac.get_version() is '$v', expected $PGSTAC_VERSION"
log "done: postgis, app schema and pgstac $v in $PGDATABASE"
