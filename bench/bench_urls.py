"""The app's URLs, plus the two yardsticks the load benchmarks compare pages to, which
a deployment never serves: ``/bare``, a bare response, and ``/bare-write``, the least a
form POST that saves can cost.

It goes through the same middleware as the mentee form's POST (sessions, CSRF, the
client-address header), reads the same posted body and saves one row in its own commit,
then redirects. What the real form does beyond that
(validating twenty fields, rate limits, the account, the application and its history,
the logged confirmation email) is the difference between the two figures.
"""

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_POST

from mm_program.urls import urlpatterns as app_urlpatterns

TABLE = "bench_bare_write"
CREATE_TABLE = (f"CREATE TABLE IF NOT EXISTS {TABLE} "
                "(id bigserial PRIMARY KEY, email text NOT NULL UNIQUE)")


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


@require_POST
def bare_write(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (email) VALUES (%s)",  # noqa: S608 - a constant
                       [request.POST["email"]])
    return HttpResponseRedirect("/bare")


urlpatterns = [*app_urlpatterns, path("bare", bare), path("bare-write", bare_write)]
