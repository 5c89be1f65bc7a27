"""Each survey response carries its mentorship's program and mentor (issue 21: the impact
dashboard groups every answer by them without joining each answer through its invitation
to the mentorship). Added empty, filled from the invitation's mentorship, then required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    Invitation = apps.get_model("surveys", "Invitation")
    mentorship = Invitation.objects.filter(pk=OuterRef("invitation_id"))
    Response.objects.update(
        program_id=Subquery(mentorship.values("mentorship__program_id")[:1]),
        mentor_id=Subquery(mentorship.values("mentorship__mentor_id")[:1]))
    if schema_editor.connection.vendor == "postgresql":
        # The new foreign keys are checked at commit: check them now, or PostgreSQL
        # refuses the NOT NULL below ("pending trigger events").
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0027_shorter_acceptance_email_again"),
        ("surveys", "0007_shorter_mentee_surveys"),
    ]

    operations = [
        migrations.AddField(
            model_name="response", name="program",
            field=models.ForeignKey(editable=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="matching.program"),
        ),
        migrations.AddField(
            model_name="response", name="mentor",
            field=models.ForeignKey(editable=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="matching.mentor"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="response", name="program",
            field=models.ForeignKey(editable=False,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="matching.program"),
        ),
        migrations.AlterField(
            model_name="response", name="mentor",
            field=models.ForeignKey(editable=False,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="matching.mentor"),
        ),
    ]
