#!/bin/sh
# Run by the influxdb:2 image once, after its first-start setup (docker-entrypoint-initdb.d): the
# bucket for confidential intakes' readings (INFLUX_CONFIDENTIAL_DATABASE). Ingest writes their
# points there and nowhere else, so the bucket Grafana is given never holds them (docs/point-layout.md).
set -eu
influx bucket create --org "${DOCKER_INFLUXDB_INIT_ORG}" --name "${INFLUX_CONFIDENTIAL_BUCKET:-water_intake_confidential}" \
  --token "${DOCKER_INFLUXDB_INIT_ADMIN_TOKEN}"
