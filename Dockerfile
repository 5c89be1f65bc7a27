# syntax=docker/dockerfile:1
# Production image: one image, three roles (web, worker, beat) chosen by the command;
# see docker/entrypoint.sh and docker-compose.yml.
FROM python:3.11-slim

# PYTHONPATH: run the source tree in /app, not the copy `pip install .` leaves in
# site-packages. Settings derive BASE_DIR (templates/, static/, staticfiles/) from their
# own path and the wheel carries only the Python packages; this puts /app first for
# manage.py, gunicorn and celery alike.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=mm_program.settings \
    PYTHONPATH=/app

WORKDIR /app

# A writable home outside the code: gunicorn keeps its control socket in ~/.gunicorn.
RUN groupadd --system app && useradd --system --gid app --create-home --home-dir /home/app app

COPY . .

# Non-editable, no dev extras. The cache mount keeps rebuilds after a source change fast.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install . \
    && rm -rf build *.egg-info

# DEBUG defaults to off, so this runs whitenoise's CompressedManifestStaticFilesStorage.
# Settings need no database or Redis for it; the key is a throwaway that only exists
# during this step and is not kept in the image.
RUN SECRET_KEY=collectstatic-at-build-time-only-never-used-at-runtime python manage.py collectstatic --noinput

# The code and collected static files stay root-owned: the app only reads them.
USER app

EXPOSE 8000

# /healthz also checks the database. X-Forwarded-Proto keeps SECURE_SSL_REDIRECT from
# answering 301 (needs SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO); Host: localhost
# must be in ALLOWED_HOSTS. Only meaningful for the web role (compose overrides it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost', 'X-Forwarded-Proto': 'https'}), timeout=4)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
