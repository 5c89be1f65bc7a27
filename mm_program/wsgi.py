import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mm_program.settings")
application = get_wsgi_application()

from mm_program.checks import require_real_secret_key  # noqa: E402 - needs settings loaded

require_real_secret_key()
