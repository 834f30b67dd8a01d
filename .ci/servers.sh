#!/usr/bin/env bash
# Start PostgreSQL and MariaDB if they are down, then create the test databases and the
# read-only role `yfrh_reader` that the dashboard's engine connects as in tests. Idempotent.
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

psql -q -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE DATABASE yfrh_test' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'yfrh_test')\gexec
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'yfrh_reader') THEN
    CREATE ROLE yfrh_reader LOGIN;
  END IF;
END $$;
SQL
psql -q -h 127.0.0.1 -U postgres -d yfrh_test -v ON_ERROR_STOP=1 <<'SQL'
GRANT CONNECT ON DATABASE yfrh_test TO yfrh_reader;
GRANT USAGE ON SCHEMA public TO yfrh_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO yfrh_reader;
SQL

mariadb -h 127.0.0.1 -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS yfrh_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS 'yfrh_reader'@'%' IDENTIFIED BY 'yfrh_reader';
CREATE USER IF NOT EXISTS 'yfrh_reader'@'localhost' IDENTIFIED BY 'yfrh_reader';
CREATE USER IF NOT EXISTS 'yfrh_reader'@'127.0.0.1' IDENTIFIED BY 'yfrh_reader';
GRANT SELECT ON yfrh_test.* TO 'yfrh_reader'@'%';
GRANT SELECT ON yfrh_test.* TO 'yfrh_reader'@'localhost';
GRANT SELECT ON yfrh_test.* TO 'yfrh_reader'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
echo "database servers ready (yfrh_test, role yfrh_reader)"
