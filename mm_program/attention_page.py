"""The "Needs attention" page of the organizer area, and each organizer's digest choice."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from .attention import items, items_for
from .models import ReminderPause
from .roles import is_organizer

DIGEST_KIND = "organizer-digest"
OFF = "off"


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label="Email me this list", widget=forms.RadioSelect,
        choices=[("daily", "Daily"), ("weekly", "Weekly"), (OFF, "Never")],
        help_text="Only on a day (or in a week) when something is on it.")


@never_cache
@staff_member_required
def attention(request):
    if not is_organizer(request.user):
        raise PermissionDenied
    user = request.user
    paused = ReminderPause.objects.filter(user=user, kind=DIGEST_KIND)
    form = DigestForm(request.POST or None,
                      initial={"digest": OFF if paused.exists() else user.digest})
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["digest"]
        if choice == OFF:
            ReminderPause.objects.get_or_create(user=user, kind=DIGEST_KIND)
        else:
            paused.delete()
            user.digest = choice
            user.save(update_fields=["digest"])
        messages.success(request, "Saved: " + dict(form.fields["digest"].choices)[choice]
                         .lower() + ".")
        return redirect("attention")
    return TemplateResponse(request, "admin/attention.html", {
        **admin.site.each_context(request), "title": "Needs attention",
        "items": items_for(request.user, items(user=request.user)), "form": form})
