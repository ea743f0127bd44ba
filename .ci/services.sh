#!/usr/bin/env bash
# Starts the local Redis and PostgreSQL the tests use, when they are not already up, and
# creates the PostgreSQL database the tests connect to (`test`, see TEST_PG_ADMIN_URL in
# tests/support/db.ts) when it is missing. Safe to run again.
# (Debian packages; these are the commands the machines here were set up with.)
set -u
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "starting postgresql"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
up=""
for _ in $(seq 1 30); do
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then up=1; break; fi
  sleep 1
done
if [ -z "$up" ]; then
  echo "redis or postgresql did not come up" >&2
  exit 1
fi
PG="-h 127.0.0.1 -p 5432 -U postgres"
for db in test; do
  if [ "$(psql $PG -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    echo "creating postgresql database $db"
    createdb $PG "$db" || exit 1
  fi
done
