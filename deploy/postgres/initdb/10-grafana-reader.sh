#!/bin/sh
# Run by the postgres image on the first start of an empty data volume (docker-entrypoint-initdb.d):
# a read-only login for Grafana's PostgreSQL data source that can read the schema `grafana` and
# nothing else. That schema holds views without confidential intakes (migration 0008); the tables
# in `public` stay out of reach, so no dashboard query can show a confidential intake.
# The migrations run later (as POSTGRES_USER), so the schema is made here if missing, and the
# views they add become readable through the default privileges below.
# GRAFANA_DB_USER (default grafana) names the role; the tests run this script with their own.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v dbname="$POSTGRES_DB" -v owner="$POSTGRES_USER" -v reader="${GRAFANA_DB_USER:-grafana}" \
  -v reader_password="${GRAFANA_DB_PASSWORD:?GRAFANA_DB_PASSWORD must be set}" <<'SQL'
CREATE ROLE :"reader" LOGIN PASSWORD :'reader_password';
ALTER ROLE :"reader" SET default_transaction_read_only = on;
ALTER ROLE :"reader" IN DATABASE :"dbname" SET search_path = grafana;
GRANT CONNECT ON DATABASE :"dbname" TO :"reader";
CREATE SCHEMA IF NOT EXISTS grafana;
GRANT USAGE ON SCHEMA grafana TO :"reader";
GRANT SELECT ON ALL TABLES IN SCHEMA grafana TO :"reader";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA grafana GRANT SELECT ON TABLES TO :"reader";
SQL
