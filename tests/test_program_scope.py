"""Organizers are scoped to their programs (issue 20, matching/scoping.py).

Walked over the demo, which has two programs: Olivia organizes both, Casey only the cohort
program. Every admin of a program's rows is scoped; Casey's lists hold only the cohort
program's rows, and every page of a row of the other program (change, delete, history) is
not found; her program filter, forms and counts name only her program; the cohort
organizer pages, the message log and the services refuse the other program."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from matching.admin.scoping import ProgramScopedAdmin
from matching.demo_data import COHORT_ORGANIZER_EMAIL, ORGANIZER_EMAIL
from matching.models import Cohort, Program, ResearchArea
from matching.scoping import organized_programs, organizes, scoped
from mm_program.attention import items
from mm_program.models import Message, User
from mm_program.scope import OutsideListNotFound

from .demo_once import demo_once

_demo_seeded_once = demo_once()
pytestmark = pytest.mark.django_db

# Rows that belong to no program, or admins of another role (payments officers decide
# every program's stipends; users and privacy are superusers' and erasure's own rules).
NOT_PROGRAM_ROWS = {ResearchArea}
OTHER_APPS = {"payments", "mm_program", "auth", "django_celery_beat", "account",
              "socialaccount", "sites", "simple_history"}


def _program_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OTHER_APPS or model in NOT_PROGRAM_ROWS:
            continue
        yield model, model_admin


@pytest.fixture
def casey(_demo_seeded_once, db):
    user = User.objects.get(email=COHORT_ORGANIZER_EMAIL)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def cohort(_demo_seeded_once, db):
    return Cohort.objects.select_related("program").get().program


def test_every_admin_of_a_programs_rows_is_scoped():
    unscoped = [model._meta.label for model, model_admin in _program_admins()
                if not isinstance(model_admin, ProgramScopedAdmin)]
    assert unscoped == []
    # The ground's own organizer list (the message log) is scoped through the registry.
    assert isinstance(admin.site._registry[Message], OutsideListNotFound)


def test_the_demo_has_an_organizer_of_one_program_beside_one_of_both(casey, cohort):
    assert list(organized_programs(casey.user)) == [cohort]
    olivia = User.objects.get(email=ORGANIZER_EMAIL)
    assert set(organized_programs(olivia)) == set(Program.objects.all())
    assert organizes(casey.user, cohort) and not organizes(
        casey.user, Program.objects.exclude(pk=cohort.pk).first())


def test_another_programs_rows_are_in_no_list_and_not_found(casey, cohort):
    crossed = 0
    for model, model_admin in _program_admins():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        everything = model_admin.model._default_manager.all()
        mine = scoped(everything, casey.user, model_admin.program_path,
                      shared_when_null=model_admin.shared_when_null)
        theirs = everything.exclude(pk__in=mine.values("pk")).order_by("pk").first()
        response = casey.get(reverse(f"{base}_changelist"))
        assert response.status_code == 200, opts.label
        listed = {row.pk for row in response.context["cl"].result_list}
        assert listed <= set(mine.values_list("pk", flat=True)), opts.label
        if theirs is None:
            continue
        crossed += 1
        assert theirs.pk not in listed, opts.label
        for page in ("change", "delete", "history"):
            url = reverse(f"{base}_{page}", args=[theirs.pk])
            assert casey.get(url).status_code == 404, url
        assert casey.post(reverse(f"{base}_change", args=[theirs.pk]), {}).status_code \
            == 404, opts.label
    assert crossed >= 10  # the demo's other program has rows in most lists


def test_the_program_filter_and_forms_offer_only_her_programs(casey, cohort):
    other = Program.objects.exclude(pk=cohort.pk).first()
    page = casey.get(reverse("admin:matching_menteeapplication_changelist")).content.decode()
    # One program of her own: no filter to offer; never the other program's.
    assert f"program__id__exact={other.pk}" not in page and other.name not in page
    form = casey.get(reverse("admin:matching_announcement_add")).context["adminform"].form
    assert list(form.fields["program"].queryset) == [cohort]
    response = casey.post(reverse("admin:matching_announcement_add"), {
        "program": other.pk, "audience": "everyone", "subject": "Hi", "body": "Text"})
    assert response.status_code == 200 and "Select a valid choice" in \
        response.content.decode()


def test_the_message_log_holds_only_her_programs_messages(casey, cohort):
    other_message = Message.objects.exclude(program=cohort).exclude(
        program__isnull=True).order_by("pk").first()
    response = casey.get(reverse("admin:mm_program_message_changelist"))
    assert {m.program_id for m in response.context["cl"].result_list} <= {cohort.pk, None}
    url = reverse("admin:mm_program_message_change", args=[other_message.pk])
    assert casey.get(url).status_code == 404


def test_her_counts_and_pages_are_her_programs(casey, cohort):
    other = Program.objects.exclude(pk=cohort.pk).first()
    everyone = {item.label: item.count for item in items()}
    hers = {item.label: item.count for item in items(user=casey.user)}
    assert everyone != hers
    assert all(hers.get(label, 0) <= count for label, count in everyone.items())
    assert casey.get(reverse("cohort_overview", args=[cohort.slug])).status_code == 200
    # Another cohort program's organizer pages are refused.
    other.admission, other.deadline = "cohort", cohort.deadline
    other.save()
    Cohort.objects.create(program=other)
    for name in ("cohort_overview", "cohort_allocation", "cohort_matching"):
        assert casey.get(reverse(name, args=[other.slug])).status_code == 403, name


def test_the_services_refuse_an_organizer_of_another_program(casey, cohort):
    from matching.services.cohort_slots import slots_set

    other = Program.objects.exclude(pk=cohort.pk).first()
    other.admission, other.deadline = "cohort", cohort.deadline
    other.save()
    foreign = Cohort.objects.create(program=other)
    with pytest.raises(PermissionDenied):
        slots_set(cohort=foreign, allocation={}, by=casey.user)


def test_her_impact_figures_and_exports_are_her_programs(casey, cohort):
    other = Program.objects.exclude(pk=cohort.pk).first()
    page = casey.get(reverse("impact_dashboard"))
    assert page.status_code == 200
    assert page.context["scope_label"] == "Your programs"
    assert [p["id"] for p in page.context["programs"]] == [cohort.pk]
    assert page.context["per_program"] is None
    assert casey.get(reverse("impact_dashboard") + f"?program={cohort.slug}"
                     ).status_code == 200
    for url in (reverse("impact_dashboard"), reverse("impact_report"),
                reverse("impact_raw_answers", args=["csv"]),
                reverse("impact_export", args=["funnel"])):
        assert casey.get(f"{url}?program={other.slug}").status_code == 404, url
    assert casey.get(reverse("impact_export", args=["programs"])).status_code == 404
    olivia = Client()
    olivia.force_login(User.objects.get(email=ORGANIZER_EMAIL))
    page = olivia.get(reverse("impact_dashboard"))
    assert page.context["scope_label"] == "All programs"
    assert olivia.get(reverse("impact_dashboard") + f"?program={other.slug}"
                      ).status_code == 200


def test_her_stipend_list_is_her_programs_and_an_officers_is_everyones(casey, cohort):
    from payments.models import StipendRequest

    other = StipendRequest.objects.exclude(program=cohort).order_by("pk").first()
    url = reverse("admin:payments_stipendrequest_changelist")
    response = casey.get(url)
    assert response.status_code == 200
    assert {r.program_id for r in response.context["cl"].result_list} <= {cohort.pk}
    assert casey.get(reverse("admin:payments_stipendrequest_change", args=[other.pk])
                     ).status_code == 404
    officer = Client()
    officer.force_login(User.objects.get(email="payments@example.org"))
    listed = {r.pk for r in officer.get(url).context["cl"].result_list}
    assert other.pk in listed
