from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from matching.views import default_program


def home(request):
    return render(request, "home.html", {"program": default_program()})


@never_cache
def healthz(request):
    """Liveness and database reachability, for the load balancer and compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bare(request):
    """A bare response: the yardstick the load benchmarks compare real pages to."""
    return HttpResponse(b"ok", content_type="text/plain")
