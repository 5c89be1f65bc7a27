"""Redirect targets become each program's own editable list (issue 20).

Until now they were four fixed choices stored as codes. Every existing program gets those
four as its list, and each redirected application (and its history) points at its own
program's copy, so nothing already sent changes name or page.
"""

import django.db.models.deletion
from django.db import migrations, models

# The fixed list as it was: code -> (name, short name, page).
FORMER = {
    "agisf": ("AGI Safety Fundamentals", "AGISF", "https://aisafetyfundamentals.com/"),
    "mats": ("MATS (ML Alignment & Theory Scholars)", "MATS", "https://www.matsprogram.org/"),
    "aisc": ("AI Safety Camp", "AI Safety Camp", "https://www.aisafety.camp/"),
    "other": ("Another program", "another program", ""),
}
MODELS = ["menteeapplication", "mentorapplication",
          "historicalmenteeapplication", "historicalmentorapplication"]


def give_each_program_the_former_list(apps, schema_editor):
    Program = apps.get_model("matching", "Program")
    RedirectTarget = apps.get_model("matching", "RedirectTarget")
    for program in Program.objects.all():
        for position, (code, (name, short, url)) in enumerate(FORMER.items()):
            target = RedirectTarget.objects.create(
                program=program, name=name, short_name=short, url=url, position=position)
            for model in MODELS:
                (apps.get_model("matching", model).objects
                 .filter(program_id=program.pk, redirect_to=code)
                 .update(redirect_target=target))


def back_to_codes(apps, schema_editor):
    codes = {name: code for code, (name, _, _) in FORMER.items()}
    RedirectTarget = apps.get_model("matching", "RedirectTarget")
    for target in RedirectTarget.objects.all():
        for model in MODELS:
            (apps.get_model("matching", model).objects.filter(redirect_target=target)
             .update(redirect_to=codes.get(target.name, "other")))


def fk(**kwargs):
    return models.ForeignKey(blank=True, null=True, related_name="+",
                             to="matching.redirecttarget", **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0023_program_organizers"),
    ]

    operations = [
        migrations.CreateModel(
            name="RedirectTarget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("program", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="redirect_targets", to="matching.program")),
                ("name", models.CharField(help_text='As the applicant reads it, e.g. "MATS (ML Alignment & Theory Scholars)".', max_length=100)),
                ("short_name", models.CharField(blank=True, help_text='For the triage list, e.g. "MATS" (the name if empty).', max_length=30)),
                ("url", models.URLField(blank=True, help_text='Where the applicant reads about it and applies. Empty for a catch-all such as "another program": your message then names it.', verbose_name="page")),
                ("position", models.PositiveSmallIntegerField(default=0, help_text="Order in the list.")),
                ("is_active", models.BooleanField(default=True, help_text="Untick to retire it: earlier decisions keep naming it.", verbose_name="offered")),
            ],
            options={"ordering": ["program", "position", "name"]},
        ),
        migrations.AddConstraint(
            model_name="redirecttarget",
            constraint=models.UniqueConstraint(fields=("program", "name"), name="redirect_target_name_once_per_program"),
        ),
        migrations.RemoveConstraint(model_name="menteeapplication", name="mentee_application_redirect_has_target"),
        migrations.RemoveConstraint(model_name="mentorapplication", name="mentor_application_redirect_has_target"),
        migrations.AddField("menteeapplication", "redirect_target", fk(on_delete=django.db.models.deletion.PROTECT)),
        migrations.AddField("mentorapplication", "redirect_target", fk(on_delete=django.db.models.deletion.PROTECT)),
        migrations.AddField("historicalmenteeapplication", "redirect_target", fk(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING)),
        migrations.AddField("historicalmentorapplication", "redirect_target", fk(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING)),
        migrations.RunPython(give_each_program_the_former_list, back_to_codes),
        *[migrations.RemoveField(model, "redirect_to") for model in MODELS],
        *[migrations.RenameField(model, "redirect_target", "redirect_to") for model in MODELS],
        migrations.AddConstraint(
            model_name="menteeapplication",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("status", "redirected"), _negated=True), ("redirect_to__isnull", False), _connector="OR"), name="mentee_application_redirect_has_target"),
        ),
        migrations.AddConstraint(
            model_name="mentorapplication",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("status", "redirected"), _negated=True), ("redirect_to__isnull", False), _connector="OR"), name="mentor_application_redirect_has_target"),
        ),
    ]
