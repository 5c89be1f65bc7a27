#!/usr/bin/env bash
# The production stack without Docker: runs, in order, what Dockerfile, docker-compose.yml
# and docker/entrypoint.sh run, against this machine's PostgreSQL (database mm_compose,
# created afresh) and Redis (db 4), and stops loudly at the first step that fails.
#
#   bench/compose_by_hand.sh        (after `make install`; about a minute)
#
# No Docker engine runs on our machines, so this is how the compose file is kept right:
# - every variable the settings read is documented in .env.example;
# - the environment is .env.example read as compose reads an env_file (values literal to
#   the end of the line), its placeholders replaced, DATABASE_URL and REDIS_URL overridden
#   as the compose file's `environment:` does; with the placeholders left in, the app
#   must refuse to start;
# - the build's collectstatic is the Dockerfile's own RUN line, in an empty environment;
# - each role is docker/entrypoint.sh itself, with gunicorn on loopback (WEB_BIND), and
#   none of them may write into the code (the image's `app` user cannot);
# - each health check is the compose file's own `test:` command.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-8790}
DB=mm_compose
WORK=$(mktemp -d /tmp/compose-by-hand.XXXXXX)
chmod 755 "$WORK"
PIDS=()

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$1" >&2; [ -n "${2:-}" ] && tail -n 30 "$2" >&2; exit 1; }

cleanup() {
    # Each role runs in a session of its own: stop the whole group (pool, gunicorn workers).
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    sleep 3
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# A service's health check from docker-compose.yml, as a shell command ("" if disabled).
compose_test() {
    .venv/bin/python - "$1" <<'PY'
import json, re, shlex, sys

text = open("docker-compose.yml").read()
block = re.search(rf"^  {sys.argv[1]}:\n(.*?)(?=^  \S|^\S|\Z)", text, re.S | re.M).group(1)
test = re.search(r"^\s+test: (\[.*\])\s*$", block, re.M)
if test and not re.search(r"^\s+disable: true", block, re.M):
    kind, *args = json.loads(test.group(1))
    # CMD-SHELL runs in a shell; compose writes a literal $ as $$.
    print(shlex.join(args) if kind == "CMD" else args[0].replace("$$", "$"))
PY
}

step "every variable the settings read is in .env.example"
missing=$(.venv/bin/python - <<'PY'
import re
settings = open("mm_program/settings.py").read()
names = set(re.findall(r'env(?:bool|int|list)\("([A-Z_0-9]+)"', settings))
names |= set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z_0-9]+)"', settings))
documented = set(re.findall(r"^#?([A-Z_0-9]+)=", open(".env.example").read(), re.M))
# Set by the image or the test runner, not by whoever deploys.
print(" ".join(sorted(names - documented - {"DJANGO_SETTINGS_MODULE"})))
PY
)
[ -z "$missing" ] || fail "not documented in .env.example: $missing"

step "environment: .env.example as compose's env_file reads it"
ENVS=("PATH=$ROOT/.venv/bin:/usr/local/bin:/usr/bin:/bin" "HOME=$WORK" "HOSTNAME=$(hostname)")
# The Dockerfile's ENV (its /app is this folder), then the env_file.
for pair in $(sed -n '/^ENV /,/[^\\]$/p' Dockerfile | grep -oP '[A-Z_]+=\S+'); do
    ENVS+=("${pair//\/app/$ROOT}")
done
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    ENVS+=("$line")
done < .env.example
PLACEHOLDERS=("${ENVS[@]}")
FERNET=$(.venv/bin/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
ENVS+=("SECRET_KEY=compose-$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')-by-hand"
       "FIELD_ENCRYPTION_KEYS=$FERNET"
       # What docker-compose.yml's `environment:` sets, pointed at this machine.
       "DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB"
       "REDIS_URL=redis://127.0.0.1:6379/4"
       # No mail relay here; nothing should be sent anyway.
       "EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend"
       "WEB_BIND=127.0.0.1:$PORT" "WEB_CONCURRENCY=2" "CELERY_CONCURRENCY=2")
as_app() { env -i "${ENVS[@]}" "$@"; }

step "with .env.example's placeholders the app refuses to start"
if env -i "${PLACEHOLDERS[@]}" python manage.py check --deploy >"$WORK/placeholders.log" 2>&1; then
    fail "check --deploy passed with the placeholder keys" "$WORK/placeholders.log"
fi
grep -q "payments.E00" "$WORK/placeholders.log" || fail "no encryption-key error" "$WORK/placeholders.log"

step "build: the Dockerfile's collectstatic"
build=$(grep -oP '^RUN \K.*manage\.py collectstatic.*' Dockerfile) || fail "no collectstatic in Dockerfile"
echo "$build"
env -i PATH="$ROOT/.venv/bin:/usr/bin:/bin" DJANGO_SETTINGS_MODULE=mm_program.settings \
    PYTHONPATH="$ROOT" sh -c "$build" >"$WORK/build.log" 2>&1 || fail "collectstatic" "$WORK/build.log"
test -s staticfiles/staticfiles.json || fail "no manifest in staticfiles/"

step "postgres and redis: a fresh database, their compose health checks"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
    -c "CREATE DATABASE $DB" >/dev/null || fail "could not create $DB"
pg_test=$(compose_test postgres)
sh -c "${pg_test/-d mm_program/-h 127.0.0.1 -d $DB}" || fail "postgres: $pg_test"
redis_test=$(compose_test redis)
[ "$(sh -c "$redis_test")" = PONG ] || fail "redis: $redis_test"

start_role() {  # docker/entrypoint.sh <role>, in a session of its own
    setsid env -i "${ENVS[@]}" docker/entrypoint.sh "$1" >"$WORK/$1.log" 2>&1 &
    PIDS+=($!)
}

step "web: entrypoint (wait for the database, migrate, setup_roles, gunicorn), /healthz"
touch "$WORK/started"
start_role web
web_test=$(compose_test web)
web_test=${web_test//127.0.0.1:8000/127.0.0.1:$PORT}
for _ in $(seq 90); do
    if as_app sh -c "$web_test" 2>/dev/null; then break; fi
    kill -0 "${PIDS[-1]}" 2>/dev/null || fail "web exited" "$WORK/web.log"
    sleep 1
done
as_app sh -c "$web_test" || fail "web health check: $web_test" "$WORK/web.log"
as_app python manage.py migrate --check >/dev/null || fail "migrations left unapplied"
as_app python manage.py shell -c "from django.contrib.auth.models import Group; \
assert Group.objects.filter(name='Organizers').exists()" >/dev/null || fail "setup_roles did not run"
grep -q "Booting worker" "$WORK/web.log" || fail "gunicorn did not boot" "$WORK/web.log"

step "worker: entrypoint, then compose's health check (celery inspect ping)"
start_role worker
worker_test=$(compose_test worker)
for _ in $(seq 60); do
    if as_app sh -c "$worker_test" >"$WORK/ping.log" 2>&1; then break; fi
    kill -0 "${PIDS[-1]}" 2>/dev/null || fail "worker exited" "$WORK/worker.log"
done
grep -q pong "$WORK/ping.log" || fail "worker health check: $worker_test" "$WORK/worker.log"

step "beat: entrypoint; running, on the database scheduler"
start_role beat
sleep 10
kill -0 "${PIDS[-1]}" 2>/dev/null || fail "beat exited" "$WORK/beat.log"
grep -q "DatabaseScheduler" "$WORK/beat.log" || fail "beat is not on the database scheduler" "$WORK/beat.log"
beat_test=$(compose_test beat)
if [ -n "$beat_test" ]; then
    as_app sh -c "$beat_test" || fail "beat health check: $beat_test" "$WORK/beat.log"
else
    echo "(beat has no health check in docker-compose.yml)"
fi

step "nothing wrote into the code (in the image it is read-only to the app)"
written=$(find . \( -path ./.venv -o -path ./.git -o -name __pycache__ \) -prune \
          -o -type f -newer "$WORK/started" -print)
[ -z "$written" ] || fail "written by the roles: $written"

printf '\nOK: the stack came up as docker-compose.yml runs it (logs in %s)\n' "$WORK"
