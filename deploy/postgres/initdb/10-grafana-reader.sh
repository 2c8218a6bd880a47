#!/bin/sh
# Run by the postgres image on the first start of an empty data volume (docker-entrypoint-initdb.d):
# a read-only login for Grafana's PostgreSQL data source. Tables that the migrations create later
# (as POSTGRES_USER) become readable by it through the default privileges below; it can write nothing.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v dbname="$POSTGRES_DB" -v reader_password="${GRAFANA_DB_PASSWORD:?GRAFANA_DB_PASSWORD must be set}" <<'SQL'
CREATE ROLE grafana LOGIN PASSWORD :'reader_password';
ALTER ROLE grafana SET default_transaction_read_only = on;
GRANT CONNECT ON DATABASE :"dbname" TO grafana;
GRANT USAGE ON SCHEMA public TO grafana;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO grafana;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO grafana;
SQL
