"""The participant's privacy page: download their data, ask for erasure.

Both are for the signed-in person and about them alone: no URL names anyone else.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mm_program.models import ErasureRequest, ErasureRequestStatus

from .export import person_export
from .forms import ErasureRequestForm
from .services import erasure_request_create


@login_required
@require_http_methods(["GET", "POST"])
def privacy(request):
    open_request = ErasureRequest.objects.filter(
        user=request.user, status=ErasureRequestStatus.OPEN).first()
    status = 200
    if request.method == "POST":
        form = ErasureRequestForm(request.POST)
        if form.is_valid():
            erasure_request, created = erasure_request_create(
                user=request.user, reason=form.cleaned_data["reason"])
            if created:
                messages.success(request, "We have your request to erase your data. We've "
                                          "emailed you a copy; an organizer carries it out "
                                          "soon.")
            else:
                messages.info(request, "You had already asked us on "
                              f"{timezone.localtime(erasure_request.requested_at):%-d %b %Y}: "
                              "that request is still open, so there's nothing more to do.")
            return redirect("privacy")
        status = 400
    else:
        form = ErasureRequestForm()
    return render(request, "privacy/privacy.html",
                  {"form": form, "forms": [form], "open_request": open_request}, status=status)


@never_cache
@login_required
@require_GET
def export(request):
    """The signed-in person's data as a JSON download."""
    data = person_export(user=request.user)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False),
                            content_type="application/json; charset=utf-8")
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
