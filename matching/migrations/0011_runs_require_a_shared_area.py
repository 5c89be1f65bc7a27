"""Runs propose only pairs who share a research area, unless the organizer unticks it.

Runs made before keep False: they were solved without the rule, and a replay of their
stored inputs must give the same proposals."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0010_matching_run_solve_status'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmatchingrun',
            name='require_shared_area',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='matchingrun',
            name='require_shared_area',
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name='historicalmatchingrun',
            name='require_shared_area',
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name='matchingrun',
            name='require_shared_area',
            field=models.BooleanField(default=True),
        ),
    ]
