"""Each survey response carries its invitation's months after the end (issue 21: the
per-mentor figures count each follow-up apart, and read it without joining every answer to
its invitation). Added empty, filled from the invitation, then required."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    Invitation = apps.get_model("surveys", "Invitation")
    Response.objects.update(months_after=Subquery(
        Invitation.objects.filter(pk=OuterRef("invitation_id")).values("months_after")[:1]))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_response_program_mentor")]

    operations = [
        migrations.AddField(
            model_name="response", name="months_after",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="response", name="months_after",
            field=models.PositiveSmallIntegerField(editable=False),
        ),
    ]
