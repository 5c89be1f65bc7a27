#!/bin/sh
# Container entrypoint. The first argument picks the role:
#   web     wait for the database, migrate, create the roles, serve with gunicorn
#   worker  Celery worker (scale it: docker compose up -d --scale worker=4)
#   beat    Celery beat (run exactly one; schedules live in the database)
#   other   run the command as given, e.g. `python manage.py createsuperuser`
set -eu

wait_for_db() {
    # Bounded: DB_WAIT_SECONDS (default 60) one-second attempts, then give up so that
    # the container exits and its restart policy takes over.
    python - <<'PY'
import os
import sys
import time

import dj_database_url
import psycopg2

url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql://")):
    sys.exit(0)  # SQLite (or no URL): nothing to wait for
db = dj_database_url.parse(url)
attempts = int(os.environ.get("DB_WAIT_SECONDS", "60"))
for attempt in range(1, attempts + 1):
    try:
        psycopg2.connect(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"],
            host=db["HOST"], port=db["PORT"] or 5432, connect_timeout=3,
        ).close()
        print(f"database is up (attempt {attempt})", flush=True)
        sys.exit(0)
    except psycopg2.OperationalError as exc:
        reason = " ".join(str(exc).split())
        print(f"waiting for the database ({attempt}/{attempts}): {reason}",
              file=sys.stderr, flush=True)
        time.sleep(1)
sys.exit("database unreachable, giving up")
PY
}

case "${1:-web}" in
    web)
        wait_for_db
        # Safe while there is one web service; with several web replicas, run these as
        # a separate one-off step instead so that migrations don't race.
        python manage.py migrate --noinput
        python manage.py setup_roles
        # /dev/shm: gunicorn's worker heartbeat file on the overlay filesystem can stall.
        # WEB_BIND: bench/compose_by_hand.sh runs this role on a host, on loopback.
        exec gunicorn mm_program.wsgi:application \
            --bind "${WEB_BIND:-0.0.0.0:8000}" \
            --workers "${WEB_CONCURRENCY:-3}" \
            --access-logfile - \
            --timeout 60 \
            --graceful-timeout 30 \
            --worker-tmp-dir /dev/shm
        ;;
    worker)
        exec celery -A mm_program worker -l info --concurrency "${CELERY_CONCURRENCY:-4}"
        ;;
    beat)
        # The scheduler (django_celery_beat's DatabaseScheduler) is set in settings.
        exec celery -A mm_program beat -l info
        ;;
    *)
        exec "$@"
        ;;
esac
