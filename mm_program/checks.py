from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_real_secret_key() -> None:
    """Refuse to serve with the development key or .env.example's placeholder.

    Called where production processes start (the WSGI app, the Celery worker), not at
    settings import, so that management commands keep working in development.
    """
    key = settings.SECRET_KEY
    if settings.DEBUG:
        return
    if key.startswith("django-insecure-") or "change-me" in key or len(key) < 40:
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a long random value (40+ characters) when DEBUG is off; "
            "see .env.example."
        )
