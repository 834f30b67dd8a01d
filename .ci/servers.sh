#!/usr/bin/env bash
# Start PostgreSQL and MariaDB if they are down. The tests create their own databases and the
# read-only role `yfrh_reader` (tests/dbs.py), so the README's test command alone suffices.
set -euo pipefail

wait_for() {  # wait_for NAME COMMAND...: up to 60 s
  local name=$1; shift
  for _ in $(seq 60); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "error: $name did not come up" >&2; return 1
}

if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432

if ! mariadb-admin -h 127.0.0.1 -uroot ping >/dev/null 2>&1; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
wait_for MariaDB mariadb-admin -h 127.0.0.1 -uroot ping

echo "database servers up (the tests create their databases and read-only role)"
