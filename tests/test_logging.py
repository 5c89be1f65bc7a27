"""Errors are logged (stderr, the container's log), never mailed: Django's default mails
ADMINS every server error, bad Host header and oversized body, with no limit. Requests
refused as a client's mistake are one warning line each, without a traceback."""

import logging

import pytest
from django.core import mail
from django.test import Client
from django.utils.log import AdminEmailHandler

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.org")]


def every_logger():
    loggers = [logging.getLogger(name) for name in logging.root.manager.loggerDict]
    return [logging.root, *loggers]


def test_no_logger_mails_the_admins():
    handlers = [handler for logger in every_logger() for handler in logger.handlers]
    assert not [handler for handler in handlers if isinstance(handler, AdminEmailHandler)]
    # Django's records go where everyone's do: the root's console (stderr).
    django_logger = logging.getLogger("django")
    assert django_logger.handlers == [] and django_logger.propagate
    assert any(type(handler) is logging.StreamHandler for handler in logging.root.handlers)


def test_a_server_error_is_logged_as_an_error_and_mails_nobody(monkeypatch, caplog):
    def broken():
        raise RuntimeError("the home page broke")

    monkeypatch.setattr("matching.views.apply.default_program", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.name == "django.request"
              and r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info[0] is RuntimeError  # with its traceback
    assert mail.outbox == []


def one_line(record) -> str:
    return logging.root.handlers[0].format(record)


@pytest.mark.parametrize("refused", ["bad host", "oversized body", "too many fields"])
def test_a_clients_mistake_is_one_warning_line(refused, caplog, settings):
    client = Client()
    if refused == "bad host":
        response = client.get("/", HTTP_HOST="evil.example.org")
        logger = "django.security.DisallowedHost"
    elif refused == "oversized body":
        response = client.post("/apply/mentee/",
                               {"goals": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
        logger = "django.security.RequestDataTooBig"
    else:
        response = client.post("/apply/mentee/", {f"f{n}": "x" for n in range(1001)})
        logger = "django.security.TooManyFieldsSent"
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == logger]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING and records[0].exc_info is None
    line = one_line(records[0])
    assert "\n" not in line and "Traceback" not in line
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert mail.outbox == []
