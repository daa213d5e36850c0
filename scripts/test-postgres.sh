#!/usr/bin/env bash
# Starts a PostgreSQL server for the tests (Debian's `postgresql` package) and prints the URL to export as
# EQL_TEST_POSTGRES. Uses an already running server when it answers; run as root (CI) it starts Debian's
# cluster and creates the test role; run as a user it starts a private server under /tmp.
set -euo pipefail
port="${EQL_TEST_POSTGRES_PORT:-5432}"
url="postgres://eql_test:eql-test@127.0.0.1:${port}/postgres"
answers() { PGPASSWORD=eql-test PGCONNECT_TIMEOUT=3 psql "$url" -qAtc 'select 1' >/dev/null 2>&1; }
if answers; then echo "$url"; exit 0; fi
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] || { echo "PostgreSQL 未安装:apt-get install -y postgresql" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
  version="$(basename "$(dirname "$bin")")"
  pg_lsclusters -h | grep -q "^${version} main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster "$version" main start >/dev/null 2>&1 || pg_ctlcluster "$version" main status >/dev/null
  port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')"
  url="postgres://eql_test:eql-test@127.0.0.1:${port}/postgres"
  runuser -u postgres -- psql -p "$port" -qAtc "select 1 from pg_roles where rolname = 'eql_test'" | grep -q 1 ||
    runuser -u postgres -- psql -p "$port" -qc "create role eql_test login createdb password 'eql-test'"
else
  data="/tmp/eql-test-postgres-$(id -u)"
  if [ ! -d "$data" ]; then
    # The role is the server's superuser and the machine may have other users: a password, not trust, even on loopback.
    pwfile="$(mktemp)"
    printf 'eql-test\n' >"$pwfile"
    "$bin/initdb" -D "$data" -U eql_test --auth=scram-sha-256 --pwfile="$pwfile" >/dev/null
    rm -f "$pwfile"
  fi
  "$bin/pg_ctl" -D "$data" -o "-p ${port} -k /tmp -c listen_addresses=127.0.0.1" -l "$data/log" -w start >/dev/null
fi
answers || { echo "PostgreSQL 未能启动(端口 ${port})" >&2; exit 1; }
echo "$url"
