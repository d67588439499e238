#!/usr/bin/env bash
# CI: a PostgreSQL server answering on 127.0.0.1:5432 for the PostgreSQL store's tests
# (user postgres without a password, database test). Installs the Debian package when it is
# missing, starts the cluster when it is down, and prints pg_isready's answer.
set -euo pipefail

HOST=127.0.0.1
PORT=5432

answers() { pg_isready -h "$HOST" -p "$PORT" >/dev/null 2>&1; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq postgresql
fi

version="$(ls /etc/postgresql | sort -V | tail -n 1)"
conf="/etc/postgresql/$version/main"

# The tests connect over TCP as postgres without a password: trust local connections only
# (this is the CI machine's own server; nothing else listens on it).
if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$conf/pg_hba.conf"; then
  {
    echo "local all all trust"
    echo "host all all 127.0.0.1/32 trust"
    grep -Ev '^(local|host)' "$conf/pg_hba.conf" || true
  } >"$conf/pg_hba.conf.new"
  mv "$conf/pg_hba.conf.new" "$conf/pg_hba.conf"
  if answers; then pg_ctlcluster --skip-systemctl-redirect "$version" main reload; fi
fi

if ! answers; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 100); do answers && break; sleep 0.1; done
fi

found="$(psql -h "$HOST" -p "$PORT" -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'")"
if [ "$found" != "1" ]; then
  psql -h "$HOST" -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE test"
fi

pg_isready -h "$HOST" -p "$PORT"
