"""The default survey templates (surveys/seed.py): the mentee baseline, the mentee final
survey and the mentor final survey, for every program without its own."""

from django.db import migrations

from surveys.seed import create_default_templates


def forwards(apps, schema_editor):
    create_default_templates(apps.get_model("surveys", "SurveyTemplate"),
                             apps.get_model("surveys", "Question"))


def backwards(apps, schema_editor):
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    SurveyTemplate.objects.filter(program__isnull=True, version=1,
                                  invitations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
