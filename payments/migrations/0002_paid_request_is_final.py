"""A paid stipend request can never be edited or paid again: a database rule.

The model refuses to save or delete a paid request, and paying is a conditional UPDATE
(``WHERE status = 'approved'``); this trigger makes the rule hold for every write, an
``.update()`` or a raw statement included. On a paid row it refuses a DELETE (on
PostgreSQL, see below for SQLite), and any UPDATE that changes what was paid, to whom and when: the money columns, the period, the
payee, the status, the batch, the payment date and reference. Who decided or paid may
still be cleared (their accounts can be deleted), and so may the free texts, which the
privacy duties clear when a payee is erased. It raises ``stipend_paid_is_final``.
"""

from django.db import migrations

from mm_program.db_triggers import run_for_vendor

NAME = "stipend_paid_is_final"
TABLE = "payments_stipendrequest"
FINAL = ["program_id", "mentorship_id", "payee_id", "payee_role", "period_start",
         "period_end", "hours", "rate", "amount", "currency", "status", "batch_id",
         "paid_on", "payment_reference", "paid_at"]

POSTGRES = f"""
CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'paid' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' OR ROW({", ".join("NEW." + c for c in FINAL)})
            IS DISTINCT FROM ROW({", ".join("OLD." + c for c in FINAL)}) THEN
        RAISE EXCEPTION '{NAME}: stipend request % is paid, it can no longer be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = '{NAME}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {NAME} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {NAME}();
"""
POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS {NAME} ON {TABLE};
DROP FUNCTION IF EXISTS {NAME}();
"""

SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FINAL)
SQLITE = [
    f"""CREATE TRIGGER {NAME}_update BEFORE UPDATE ON {TABLE}
    WHEN OLD.status = 'paid' AND ({SQLITE_CHANGED})
    BEGIN SELECT RAISE(ABORT, '{NAME}: the request is paid'); END;""",
]
# SQLite (the development default) gets no DELETE trigger: Django empties its tables with
# DELETE (`flush`, and between transactional tests), where PostgreSQL uses TRUNCATE, which
# fires no row trigger. There the model's delete() and the PROTECT foreign keys refuse.
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {NAME}_update;"]


def create(apps, schema_editor):
    run_for_vendor(schema_editor, postgres=POSTGRES, sqlite=SQLITE)


def drop(apps, schema_editor):
    run_for_vendor(schema_editor, postgres=POSTGRES_DROP, sqlite=SQLITE_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
