import pytest
from django.core.exceptions import ImproperlyConfigured

from mm_program.settings import envbool, envint, envlist


def test_booleans_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "")
    assert envbool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
        envbool("FLAG", False)


def test_numbers_and_lists_from_the_environment(monkeypatch):
    monkeypatch.setenv("N", "12")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert envint("N", 1) == 12
    assert envint("MISSING_N", 3) == 3
    assert envlist("HOSTS", "") == ["a.example", "b.example"]


def test_the_embedded_default_and_the_real_services(monkeypatch):
    """With nothing set: SQLite, eager tasks, console email. With the URLs set:
    PostgreSQL, the Redis broker and cache. Checked in a fresh interpreter."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, mm_program.settings as s;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.CACHES['default']['BACKEND']]))"
    )
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    engine, eager, broker, email, cache = json.loads(out)
    assert engine == "django.db.backends.sqlite3"
    assert eager is True and broker == "memory://"
    assert email == "django.core.mail.backends.console.EmailBackend"

    env.update(DATABASE_URL="postgres://u@db.example:5432/mm", REDIS_URL="redis://r:6379/0")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    engine, eager, broker, email, cache = json.loads(out)
    assert engine == "django.db.backends.postgresql"
    assert eager is False and broker == "redis://r:6379/0"
    assert cache == "django.core.cache.backends.redis.RedisCache"


def test_behind_a_proxy_both_rate_limiters_read_the_client_header():
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, mm_program.settings as s;"
        "print(json.dumps([s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, s.RATELIMIT_IP_META_KEY]))"
    )
    env = {**os.environ, "CLIENT_IP_HEADER": "X-Real-IP"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out) == ["X-Real-IP", "HTTP_X_REAL_IP"]
