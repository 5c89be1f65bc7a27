"""The default templates for the outcomes work, and the beat task that opens follow-ups.

- The exit surveys (both sides) and the alumni follow-up get default templates.
- The default mentee final survey stops asking "Were you paid a stipend?" (the payments
  app knows) and asks the mentee to rate their mentor; p(full-time), a probability, is
  asked in percent (its unit said "percentage points", the unit of a change).
- Each default question feeds its named figure (``Question.figure``), found by the keys
  the dashboard read before.

A template people already answered is never edited in place: the change is its next
version, as the admin saves one, and unanswered invitations move to it.
"""

from django.db import migrations
from django.db.models import Max

from surveys import question_types
from surveys.seed import MENTOR_RATING, TEMPLATES, create_default_templates

TASK = "surveys.tasks.open_followups"
NAME = "Open alumni follow-up surveys"
STIPEND_KEY = "funded"
COPIED = ("key", "order", "text", "help_text", "type", "required", "choices", "low_label",
          "high_label", "min_value", "max_value", "figure", "short_label")


def _revise(apps, kind, change):
    """Apply `change` (a function of the question dicts, returning new ones) to the current
    default template of `kind`: in place if nobody answered it, else as its next
    version."""
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    Question = apps.get_model("surveys", "Question")
    Response = apps.get_model("surveys", "Response")
    Invitation = apps.get_model("surveys", "Invitation")
    current = SurveyTemplate.objects.filter(kind=kind, program__isnull=True,
                                            is_current=True).first()
    if current is None:
        return
    before = [{f: getattr(q, f) for f in COPIED}
              for q in current.questions.order_by("order", "pk")]
    after = change([dict(q) for q in before])
    if after == before:
        return
    template = current
    if Response.objects.filter(template=current).exists():
        last = SurveyTemplate.objects.filter(kind=kind, program__isnull=True) \
            .aggregate(v=Max("version"))["v"]
        current.is_current = False
        current.save(update_fields=["is_current"])
        template = SurveyTemplate.objects.create(
            kind=kind, program=None, version=last + 1, is_current=True, title=current.title,
            intro=current.intro, replaces=current)
        Invitation.objects.filter(template=current, response__isnull=True).update(
            template=template)
    else:
        template.questions.all().delete()
    Question.objects.bulk_create([Question(template=template, **q) for q in after])


def _percent(questions):
    for q in questions:
        if q["key"] == "p_fulltime" and q["type"] == "percentage_points":
            q.update(type="percent", min_value=None, max_value=None)
    return questions


def _final(questions):
    questions = [q for q in _percent(questions) if q["key"] != STIPEND_KEY]
    if not any(q["key"] == MENTOR_RATING["key"] for q in questions):
        order = max((q["order"] for q in questions), default=0) + 10
        questions.append({**{f: "" for f in COPIED}, "required": True, "min_value": None,
                          "max_value": None, "order": order, **MENTOR_RATING})
    return questions


def attach_figures(apps):
    """Each default question's figure, on every question of its kind and key (the keys
    the dashboard read before), whenever the type reads the same way."""
    Question = apps.get_model("surveys", "Question")
    for spec in TEMPLATES:
        for q in spec["questions"]:
            if not q.get("figure"):
                continue
            reads = question_types.get(q["type"]).reported_as
            fitting = question_types.names_where(reported_as=reads)
            Question.objects.filter(
                template__kind=spec["kind"], key=q["key"], figure="", type__in=fitting,
            ).update(figure=q["figure"], short_label=q.get("short_label", ""))


def schedule(apps):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": every, "enabled": True,
                  "description": "Opens each alumni follow-up survey (6 and 12 months after "
                                 "a mentorship ended, or the program's own offsets) once; "
                                 "the reminder scan emails it."},
    )


def forwards(apps, schema_editor):
    _revise(apps, "mentee_baseline", _percent)
    _revise(apps, "mentee_final", _final)
    create_default_templates(apps.get_model("surveys", "SurveyTemplate"),
                             apps.get_model("surveys", "Question"))
    attach_figures(apps)
    schedule(apps)


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_outcomes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
