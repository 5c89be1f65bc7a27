"""The mentee surveys' default texts, shorter (issue 18: every word a mentee reads counts).

The same questions, under the same keys and figures: only help texts that repeated the
question or the page (p(full-time)'s "your honest guess", Δp's "compared with a world
without the program"), and the intros that repeated the email. A template people already
answered is never edited in place: the change is its next version, and unanswered
invitations move to it (as in 0006). A text an organizer changed is left as it is.
"""

from django.db import migrations
from django.db.models import Max

COPIED = ("key", "order", "text", "help_text", "type", "required", "choices", "low_label",
          "high_label", "min_value", "max_value", "figure", "short_label")
# key: (old help text, new help text)
HELP = {
    "p_fulltime": ("Your honest guess, from 0 to 100.", ""),
    "delta_p_fulltime": ("Compared with a world without the program: 15 if it went from 40% "
                         "to 55%; 0 for no change; negative if it lowered it.",
                         "15 if it went from 40% to 55%; negative if it fell."),
    "hours_total": ("Reading, projects and meetings together; a rough guess is fine.",
                    "Reading, projects and meetings; a rough guess."),
    "months_saved": ("0 if not at all; negative if it made the way longer.",
                     "0 if not at all."),
}
# kind: (old intro, new intro)
INTRO = {
    "mentee_baseline": ("Five quick questions before your mentorship gets going. At the end "
                        "we ask the same again, so you (and we) can see what changed.",
                        "We ask the same at the end, to see what changed."),
    "mentee_final": ("Your answers tell the organizers whether the program is worth its "
                     "mentors' time.", ""),
    "mentee_exit": (None, None),
}


def _shorter(questions):
    for q in questions:
        old, new = HELP.get(q["key"], (None, None))
        if old is not None and q["help_text"] == old:
            q["help_text"] = new
    return questions


def revise(apps, kind):
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
    after = _shorter([dict(q) for q in before])
    old_intro, new_intro = INTRO[kind]
    intro = new_intro if old_intro is not None and current.intro == old_intro \
        else current.intro
    if after == before and intro == current.intro:
        return
    template = current
    if Response.objects.filter(template=current).exists():
        last = SurveyTemplate.objects.filter(kind=kind, program__isnull=True) \
            .aggregate(v=Max("version"))["v"]
        current.is_current = False
        current.save(update_fields=["is_current"])
        template = SurveyTemplate.objects.create(
            kind=kind, program=None, version=last + 1, is_current=True, title=current.title,
            intro=intro, replaces=current)
        Invitation.objects.filter(template=current, response__isnull=True).update(
            template=template)
    else:
        template.intro = intro
        template.save(update_fields=["intro"])
        template.questions.all().delete()
    Question.objects.bulk_create([Question(template=template, **q) for q in after])


def forwards(apps, schema_editor):
    for kind in INTRO:
        revise(apps, kind)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_outcome_templates")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
