"""Grant requests (issue 19): a stipend request may be a cohort phase's fixed grant.

``phase`` is set on a grant request, which has no hours nor rate (both nullable now), and
the amount rule becomes "hours × rate, or a grant of a phase for its scholar"; one live
grant request per mentorship and phase.

The paid-request trigger of 0002 is dropped first and made again last, with ``phase_id``
among the columns a paid request can no longer change. On SQLite this is required, not
only tidy: altering a column there rebuilds the table (a new table, the rows copied, the
old one dropped), and the old table's triggers go with it. The SQL is 0002's, repeated
here as migrations keep their own SQL frozen.
"""

import django.db.models.deletion
import django.db.models.expressions
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from mm_program.db_triggers import run_for_vendor

NAME = "stipend_paid_is_final"
TABLE = "payments_stipendrequest"
FINAL_0002 = [
    "program_id",
    "mentorship_id",
    "payee_id",
    "payee_role",
    "period_start",
    "period_end",
    "hours",
    "rate",
    "amount",
    "currency",
    "status",
    "batch_id",
    "paid_on",
    "payment_reference",
    "paid_at",
]
FINAL = [*FINAL_0002, "phase_id"]


def postgres(final):
    return f"""
CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'paid' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' OR ROW({", ".join("NEW." + c for c in final)})
            IS DISTINCT FROM ROW({", ".join("OLD." + c for c in final)}) THEN
        RAISE EXCEPTION '{NAME}: stipend request % is paid, it can no longer be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = '{NAME}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {NAME} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {NAME}();
"""


def sqlite(final):
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in final)
    # No DELETE trigger on SQLite: see 0002.
    return [
        f"""CREATE TRIGGER {NAME}_update BEFORE UPDATE ON {TABLE}
    WHEN OLD.status = 'paid' AND ({changed})
    BEGIN SELECT RAISE(ABORT, '{NAME}: the request is paid'); END;"""
    ]


POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS {NAME} ON {TABLE};
DROP FUNCTION IF EXISTS {NAME}();
"""
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {NAME}_update;"]


def drop(apps, schema_editor):
    run_for_vendor(schema_editor, postgres=POSTGRES_DROP, sqlite=SQLITE_DROP)


def create(apps, schema_editor):
    run_for_vendor(schema_editor, postgres=postgres(FINAL), sqlite=sqlite(FINAL))


def create_as_0002(apps, schema_editor):
    run_for_vendor(schema_editor, postgres=postgres(FINAL_0002), sqlite=sqlite(FINAL_0002))


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0026_phase_grant"),
        ("payments", "0003_refused_reveals_are_recorded"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Reversed: the trigger as 0002 made it, after the table is back as it was.
        migrations.RunPython(drop, create_as_0002),
        migrations.RemoveConstraint(
            model_name="stipendrequest",
            name="stipend_amount_is_hours_times_rate",
        ),
        migrations.AddField(
            model_name="historicalstipendrequest",
            name="phase",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Set for a phase's grant (a fixed amount, no hours); empty for hours × rate.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="matching.phase",
            ),
        ),
        migrations.AddField(
            model_name="stipendrequest",
            name="phase",
            field=models.ForeignKey(
                blank=True,
                help_text="Set for a phase's grant (a fixed amount, no hours); empty for hours × rate.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="grant_requests",
                to="matching.phase",
            ),
        ),
        migrations.AlterField(
            model_name="historicalstipendrequest",
            name="hours",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
        ),
        migrations.AlterField(
            model_name="historicalstipendrequest",
            name="rate",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=8, null=True, verbose_name="rate per hour"
            ),
        ),
        migrations.AlterField(
            model_name="stipendrequest",
            name="hours",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
        ),
        migrations.AlterField(
            model_name="stipendrequest",
            name="rate",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=8, null=True, verbose_name="rate per hour"
            ),
        ),
        migrations.AddConstraint(
            model_name="stipendrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("hours__isnull", False),
                        ("phase__isnull", True),
                        ("rate__isnull", False),
                        (
                            "amount__gte",
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("hours"), "*", models.F("rate")
                                ),
                                "-",
                                models.Value(Decimal("0.00501")),
                            ),
                        ),
                        (
                            "amount__lte",
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("hours"), "*", models.F("rate")
                                ),
                                "+",
                                models.Value(Decimal("0.00501")),
                            ),
                        ),
                    ),
                    models.Q(
                        ("amount__gt", 0),
                        ("hours__isnull", True),
                        ("payee_role", "mentee"),
                        ("phase__isnull", False),
                        ("rate__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="stipend_amount_is_hours_times_rate_or_a_grant",
            ),
        ),
        migrations.AddConstraint(
            model_name="stipendrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("phase__isnull", False), models.Q(("status", "rejected"), _negated=True)
                ),
                fields=("mentorship", "phase"),
                name="stipend_one_grant_per_phase",
                violation_error_message="This phase's grant was requested already.",
            ),
        ),
        # After every change of the table: SQLite rebuilt it, without the trigger.
        migrations.RunPython(create, drop),
    ]
