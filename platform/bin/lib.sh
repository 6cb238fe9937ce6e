# Shared functions of the platform scripts: install what is missing, start and stop the
# project-local services (PostgreSQL+PostGIS, Redis, Keycloak) of one profile (dev or test).
# Everything lives under .local/<profile>/ and listens on 127.0.0.1 only.
# shellcheck shell=bash

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="$ROOT/.local"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
KC_JAVA_HOME="${KC_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
KC_ADMIN_PASSWORD="${KC_ADMIN_PASSWORD:-admin-dev-only}"
DB_NAME=ikomek
DB_USER=ikomek
DB_PASSWORD=ikomek

say() { printf '\033[1;34m[ikomek]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ikomek] %s\033[0m\n' "$*" >&2; exit 1; }

load_profile() {
  # shellcheck disable=SC1090
  source "$ROOT/platform/profiles/$1.env"
  STATE="$LOCAL/$PROFILE"
  mkdir -p "$STATE/log" "$STATE/run"
  export IKOMEK_ENV="${IKOMEK_ENV:-$([ "$PROFILE" = test ] && echo test || echo development)}"
  export DATABASE_URL="postgis://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export KEYCLOAK_URL="${KEYCLOAK_URL-http://localhost:$KC_PORT}"
  export KEYCLOAK_ADMIN_PASSWORD="$KC_ADMIN_PASSWORD"
  export CELERY_BEAT_SCHEDULE_FILENAME="$STATE/run/celerybeat-schedule"
  export MEDIA_ROOT="$STATE/media"
  export EMAIL_FILE_PATH="$STATE/mail"  # make run: staff notifications as files (file backend)
  export IKOMEK_WEB_PORT="$WEB_PORT"
  export DJANGO_SETTINGS_MODULE=ikomek.settings
}

# What the production image holds of the repository: every package of ours (import-linter's
# root_packages, the one list of them) but the tests' and benches', with the translations and the
# production realm. infra/image/build copies these; platform/bin/image-check hashes them.
image_app_paths() {
  python3 - "$ROOT/pyproject.toml" <<'PYTHON'
import sys, tomllib
with open(sys.argv[1], "rb") as pyproject:
    packages = tomllib.load(pyproject)["tool"]["importlinter"]["root_packages"]
ours = [name for name in packages if name not in {"tests", "testkit", "bench"}]
print("\n".join(["manage.py", "pyproject.toml", *ours, "locale", "platform/keycloak/ikomek-realm.json"]))
PYTHON
}

# ------------------------------------------------------------------ installation
SYSTEM_PACKAGES=(postgresql-15 postgresql-15-postgis-3 gdal-bin redis-server unzip gettext chromium nginx)

missing_system_packages() {
  local missing=()
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
  [ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3)
  command -v gdalinfo >/dev/null || missing+=(gdal-bin)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v unzip >/dev/null || missing+=(unzip)
  command -v msgfmt >/dev/null || missing+=(gettext)  # compiles the kk/ru catalogues
  command -v chromium >/dev/null || missing+=(chromium)  # browser tests (Playwright drives Debian's build)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)  # the proxy's tests run the shipped configuration (infra/nginx)
  echo "${missing[@]:-}"
}

ensure_system_packages() {
  local missing
  missing="$(missing_system_packages)"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: $missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >"$LOCAL/apt.log" 2>&1 \
      || die "apt-get install failed, see $LOCAL/apt.log"
  else
    die "missing Debian packages; run: sudo apt-get install -y ${SYSTEM_PACKAGES[*]}"
  fi
}

ensure_venv() {
  local stamp="$VENV/.installed" want
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
  if [ -x "$PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  say "installing Python dependencies into .venv"
  [ -x "$PY" ] || python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
  "$PY" -m pip install -q --upgrade pip >/dev/null
  "$PY" -m pip install -q -e "$ROOT[dev]" >"$LOCAL/pip.log" 2>&1 || die "pip install failed, see $LOCAL/pip.log"
  echo "$want" >"$stamp"
}

keycloak_zip() {
  echo "$LOCAL/downloads/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
}

ensure_keycloak_dist() {
  local zip home="$STATE/keycloak"
  [ -x "$home/bin/kc.sh" ] && return 0
  [ -x "$KC_JAVA_HOME/bin/java" ] || die "Keycloak $KEYCLOAK_VERSION needs Java 21+; set KC_JAVA_HOME (looked in $KC_JAVA_HOME)"
  zip="$(keycloak_zip)"
  if [ ! -f "$zip" ]; then
    say "downloading Keycloak $KEYCLOAK_VERSION from Maven Central"
    mkdir -p "$LOCAL/downloads"
    (cd "$LOCAL" && mvn -q dependency:copy -DoutputDirectory="$LOCAL/downloads" \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip") >"$LOCAL/mvn.log" 2>&1 \
      || die "Maven could not fetch Keycloak, see $LOCAL/mvn.log"
  fi
  say "unpacking Keycloak into $home"
  rm -rf "$STATE/keycloak.tmp" && mkdir -p "$STATE/keycloak.tmp"
  unzip -q "$zip" -d "$STATE/keycloak.tmp"
  # Into the folder, not beside it: a start before the install (or one cut short) leaves $home
  # with only data/ in it, and a plain mv would nest the distribution one level down.
  mkdir -p "$home"
  cp -a "$STATE/keycloak.tmp/keycloak-$KEYCLOAK_VERSION/." "$home/"
  rm -rf "$STATE/keycloak.tmp"
}

compile_messages() {
  # The kk/ru catalogues are compiled here, not committed: .mo files follow the .po files.
  (cd "$ROOT" && "$PY" manage.py compilemessages --ignore=".venv/*" --ignore=".local/*" -v 0)
}

ensure_assets() {
  # Browser libraries that are not in a Python package (Leaflet.VectorGrid), from the npm registry
  # at the versions platform/assets/package-lock.json pins; served by the platform itself.
  local dir="$LOCAL/assets" want
  want="$(sha256sum "$ROOT/platform/assets/package-lock.json" | cut -c1-16)"
  [ "$(cat "$dir/.installed" 2>/dev/null)" = "$want" ] && return 0
  command -v npm >/dev/null || die "npm is missing (Node.js with npm installs the pages' map libraries)"
  say "installing the pages' browser libraries into .local/assets"
  mkdir -p "$dir"
  cp "$ROOT/platform/assets/package.json" "$ROOT/platform/assets/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --omit=peer --no-audit --no-fund >"$LOCAL/npm.log" 2>&1) \
    || die "npm ci failed, see $LOCAL/npm.log"
  echo "$want" >"$dir/.installed"
}

ensure_installed() {
  mkdir -p "$LOCAL"
  ensure_system_packages
  ensure_venv
  ensure_assets
  compile_messages
  if [ -n "$KEYCLOAK_URL" ]; then ensure_keycloak_dist; fi
}

# ------------------------------------------------------------------ PostgreSQL + PostGIS
as_pg_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres system user.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  # $1: a suffix naming a further cluster (its folder pgdata$1, its log postgres$1.log), $2: its port.
  local data="$STATE/pgdata${1:-}" log="$STATE/log/postgres${1:-}.log" sock="$STATE/run" port="${2:-$PG_PORT}"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating PostgreSQL cluster in $data"
    mkdir -p "$data"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$data" "$sock"; chmod 755 "$STATE" "$LOCAL"; fi
    as_pg_owner "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$STATE/log/initdb.log"
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$sock'"
      echo "max_connections = 200"
      echo "shared_buffers = 256MB"
      echo "timezone = 'Asia/Almaty'"
      if [ "$PG_DURABLE" = 0 ]; then
        echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
      fi
    } >>"$data/postgresql.conf"
  fi
  if [ "$(id -u)" = 0 ]; then
    touch "$log" && chown postgres:postgres "$sock" "$log"
  fi
  if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -o "-p $port" -l "$log" -w -t 60 start >/dev/null \
      || die "PostgreSQL did not start, see $log"
  fi
  local psql=("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'")" != 1 ]; then
    # Superuser so that the test runner can create its database with the PostGIS extension.
    "${psql[@]}" -d postgres -c "CREATE ROLE $DB_USER LOGIN SUPERUSER PASSWORD '$DB_PASSWORD'"
  fi
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
  fi
  "${psql[@]}" -d "$DB_NAME" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  say "PostgreSQL+PostGIS on 127.0.0.1:$port"
}

pg_stop() {
  local data="$STATE/pgdata${1:-}"
  [ -f "$data/PG_VERSION" ] || return 0
  as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# ------------------------------------------------------------------ Redis
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

redis_start() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    alive "$STATE/run/redis.pid" && return 0
    die "port $REDIS_PORT answers as Redis but it is not this profile's ($STATE); stop it or set another port"
  fi
  mkdir -p "$STATE/redis"
  # Append-only file: a message acknowledged to the broker survives a Redis restart.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis" --daemonize yes \
    --pidfile "$STATE/run/redis.pid" --logfile "$STATE/log/redis.log" \
    --appendonly yes --appendfsync everysec --save "" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "Redis did not start, see $STATE/log/redis.log"
  say "Redis on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

# ------------------------------------------------------------------ Keycloak
kc_ready() { curl -fs "http://127.0.0.1:$KC_MGMT_PORT/health/ready" >/dev/null 2>&1; }

# The realm these profiles import: the production definition (no client secrets) plus the
# development secrets, so scripts and tests know them. Production imports ikomek-realm.json alone.
# With TEST_WORKERS > 1 (the test profile) a copy for each further pytest-xdist process, named as
# testkit/parallel.py names it (ikomek-gw1, ...): their people, groups and sign-in ports never meet.
kc_dev_realm() {
  "$PY" - "$ROOT/platform/keycloak/ikomek-realm.json" "$ROOT/platform/keycloak/dev-client-secrets.json" "$1" \
    "${TEST_WORKERS:-1}" <<'PYTHON'
import json, sys
realm_path, secrets_path, folder, workers = sys.argv[1:5]
with open(realm_path, encoding="utf-8") as realm_file, open(secrets_path, encoding="utf-8") as secrets_file:
    text, secrets = realm_file.read(), json.load(secrets_file)["secrets"]
for worker in range(int(workers)):
    name = "ikomek" if worker == 0 else f"ikomek-gw{worker}"
    # The realm's name is also in its default roles' name (default-roles-<realm>).
    realm = json.loads(text.replace('"default-roles-ikomek"', f'"default-roles-{name}"'))
    realm["realm"] = name
    clients = {client["clientId"]: client for client in realm["clients"]}
    missing = sorted(set(secrets) - set(clients))
    if missing:
        sys.exit(f"dev-client-secrets.json names clients the realm lacks: {missing}")
    for client_id, secret in secrets.items():
        clients[client_id]["secret"] = secret
    with open(f"{folder}/{name}-realm.json", "w", encoding="utf-8") as out:
        json.dump(realm, out, ensure_ascii=False, indent=2)
PYTHON
}

kc_start() {
  [ -n "$KEYCLOAK_URL" ] || { say "KEYCLOAK_URL is empty: local development identity"; return 0; }
  local pidfile="$STATE/run/keycloak.pid" home="$STATE/keycloak" realm_sum
  realm_sum="$( (cat "$ROOT/platform/keycloak/ikomek-realm.json" "$ROOT/platform/keycloak/dev-client-secrets.json"
    echo "workers ${TEST_WORKERS:-1}") | sha256sum | cut -c1-16)"
  if alive "$pidfile"; then
    # Running (or starting) from an older realm file: the import never updates an existing realm.
    [ "$(cat "$STATE/run/keycloak.realm" 2>/dev/null)" = "$realm_sum" ] && return 0
    say "the realm definition changed since Keycloak started: restarting it with a fresh realm"
    kc_stop
    KC_FRESH=1
  elif kc_ready; then
    die "port $KC_MGMT_PORT answers as Keycloak but it is not this profile's ($STATE); stop it or set other ports"
  fi
  mkdir -p "$home/data/import"
  # A fresh realm when asked, or when the data was imported from another realm file.
  if [ "${KC_FRESH:-0}" = 1 ] || [ "$(cat "$STATE/run/keycloak.realm" 2>/dev/null)" != "$realm_sum" ]; then
    rm -rf "$home/data/h2"
  fi
  rm -f "$home"/data/import/*-realm.json
  kc_dev_realm "$home/data/import"
  echo "$realm_sum" >"$STATE/run/keycloak.realm"
  say "starting Keycloak $KEYCLOAK_VERSION on http://localhost:$KC_PORT (log: $STATE/log/keycloak.log)"
  (
    export JAVA_HOME="$KC_JAVA_HOME"
    export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$KC_ADMIN_PASSWORD"
    # Dev mode; the issuer is pinned to the hostname the platform and browsers use.
    exec setsid "$home/bin/kc.sh" start-dev --import-realm \
      --http-host=127.0.0.1 --http-port="$KC_PORT" --hostname="http://localhost:$KC_PORT" \
      --http-management-port="$KC_MGMT_PORT" --health-enabled=true
  ) >"$STATE/log/keycloak.log" 2>&1 &
  echo $! >"$STATE/run/keycloak.pid"
}

kc_wait() {
  [ -n "$KEYCLOAK_URL" ] || return 0
  for _ in $(seq 600); do kc_ready && { say "Keycloak ready"; return 0; }; sleep 0.5; done
  tail -n 30 "$STATE/log/keycloak.log" >&2
  die "Keycloak did not become ready in 300 s, see $STATE/log/keycloak.log"
}

kc_stop() {
  local pidfile="$STATE/run/keycloak.pid"
  [ -f "$pidfile" ] || return 0
  kill -- "-$(cat "$pidfile")" 2>/dev/null || kill "$(cat "$pidfile")" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
  rm -f "$pidfile"
}

services_start() {
  kc_start          # slowest first: it boots while the others start
  pg_start
  # The test profile's further pytest-xdist processes each have a PostgreSQL of their own
  # (testkit/parallel.py): a transaction open in one would hold back the other's change feed,
  # whose horizon (pg_snapshot_xmin) spans the server.
  local worker
  for ((worker = 1; worker < ${TEST_WORKERS:-1}; worker++)); do
    pg_start "-gw$worker" "$((PG_PORT + 10 * worker))"
  done
  redis_start
  kc_wait
}

services_stop() {
  kc_stop
  redis_stop
  pg_stop
  local data
  for data in "$STATE"/pgdata-gw*; do
    [ -d "$data" ] && pg_stop "${data##*/pgdata}"
  done
  return 0
}
