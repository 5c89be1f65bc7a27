import json
import os
import subprocess
import sys

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


def _fresh_python(code: str, **env_changes: str | None) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter, so settings are read from this environment."""
    env = {**os.environ, "MM_TESTING": "1"}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True)


def _settings(names: list[str], **env_changes: str | None) -> list:
    code = "import json, mm_program.settings as s; print(json.dumps([" + ", ".join(
        f"s.{name}" for name in names) + "]))"
    result = _fresh_python(code, **env_changes)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_embedded_default_and_the_real_services():
    """With nothing set: SQLite, eager tasks, console email. With the URLs set:
    PostgreSQL, the Redis broker and cache."""
    names = ["DATABASES['default']['ENGINE']", "CELERY_TASK_ALWAYS_EAGER",
             "CELERY_BROKER_URL", "EMAIL_BACKEND", "CACHES['default']['BACKEND']"]
    engine, eager, broker, email, _ = _settings(
        names, DATABASE_URL=None, REDIS_URL=None, EMAIL_BACKEND=None)
    assert engine == "django.db.backends.sqlite3"
    assert eager is True and broker == "memory://"
    assert email == "django.core.mail.backends.console.EmailBackend"

    engine, eager, broker, _, cache = _settings(
        names, DATABASE_URL="postgres://u@db.example:5432/mm", REDIS_URL="redis://r:6379/0")
    assert engine == "django.db.backends.postgresql"
    assert eager is False and broker == "redis://r:6379/0"
    assert cache == "django.core.cache.backends.redis.RedisCache"
    # An unreachable Redis costs seconds, not the operating system's TCP timeout.
    assert _settings(["CACHES['default']['OPTIONS']"], REDIS_URL="redis://r:6379/0") == [
        {"socket_connect_timeout": 2, "socket_timeout": 2}]


def test_behind_a_proxy_both_rate_limiters_read_the_client_header():
    assert _settings(["ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "RATELIMIT_IP_META_KEY"],
                     CLIENT_IP_HEADER="X-Real-IP") == ["X-Real-IP",
                                                       "mm_program.ratelimit.client_ip"]


def test_production_processes_refuse_the_development_secret_key(settings):
    from mm_program.checks import require_real_secret_key

    settings.DEBUG = False
    for weak in ("django-insecure-dev-only-key-change-me",
                 "change-me-to-a-long-random-string", "short"):
        settings.SECRET_KEY = weak
        with pytest.raises(ImproperlyConfigured, match="Set SECRET_KEY"):
            require_real_secret_key()
    settings.SECRET_KEY = "k" * 50
    require_real_secret_key()
    settings.DEBUG = True
    settings.SECRET_KEY = "django-insecure-dev-only-key-change-me"
    require_real_secret_key()  # development runs with the fallback


def test_the_wsgi_app_checks_the_key_when_it_starts():
    result = _fresh_python("import mm_program.wsgi", SECRET_KEY=None, MM_TESTING=None,
                           DEBUG="0")
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


def test_the_client_address_falls_back_when_the_header_is_bad(rf, settings):
    from mm_program.ratelimit import client_ip

    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")) == "203.0.113.7"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip",
                            REMOTE_ADDR="10.1.1.1")) == "10.1.1.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.2.2.2")) == "10.2.2.2"
