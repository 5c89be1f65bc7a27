"""A mentor is never above their capacity, whoever writes the row.

The services check capacity under a lock on the mentor's row and explain a refusal in
words; this trigger is the database's own guarantee behind them, for any write that
makes a mentorship live (invited, active, paused): an admin shortcut, a script, a bug.
On PostgreSQL it takes the same row lock on the mentor first, so two transactions that
add a mentee to the same mentor at once are counted one after the other. It raises a
check violation (an IntegrityError) naming ``mentorship_mentor_capacity``.

Lowering a mentor's capacity below their current mentees is allowed (it stops new ones,
it does not end anyone's mentorship); the admin warns when it happens.
"""

from django.db import migrations

from mm_program.db_triggers import run_for_vendor

LIVE = "('invited', 'active', 'paused')"
NAME = "mentorship_mentor_capacity"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$
DECLARE
    cap integer;
    taken integer;
BEGIN
    IF NEW.status NOT IN {LIVE} THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status IN {LIVE} AND OLD.mentor_id = NEW.mentor_id THEN
        RETURN NEW;  -- already holds one of this mentor's places
    END IF;
    SELECT capacity INTO cap FROM matching_mentor WHERE id = NEW.mentor_id FOR UPDATE;
    SELECT count(*) INTO taken FROM matching_mentorship
        WHERE mentor_id = NEW.mentor_id AND status IN {LIVE} AND id <> NEW.id;
    IF taken >= cap THEN
        RAISE EXCEPTION 'mentor % is at capacity (% of %)', NEW.mentor_id, taken, cap
            USING ERRCODE = 'check_violation', CONSTRAINT = '{NAME}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {NAME}
    BEFORE INSERT OR UPDATE OF status, mentor_id ON matching_mentorship
    FOR EACH ROW EXECUTE FUNCTION {NAME}();
"""

POSTGRES_DROP = f"""
DROP TRIGGER IF EXISTS {NAME} ON matching_mentorship;
DROP FUNCTION IF EXISTS {NAME}();
"""

# SQLite runs one writer at a time, so counting inside the trigger is enough there.
SQLITE_CHECK = f"""
    SELECT RAISE(ABORT, '{NAME}: the mentor is at capacity')
    WHERE (SELECT count(*) FROM matching_mentorship
           WHERE mentor_id = NEW.mentor_id AND status IN {LIVE} AND id IS NOT NEW.id)
        >= (SELECT capacity FROM matching_mentor WHERE id = NEW.mentor_id);
"""
SQLITE = [
    f"""CREATE TRIGGER {NAME}_insert BEFORE INSERT ON matching_mentorship
    WHEN NEW.status IN {LIVE}
    BEGIN {SQLITE_CHECK} END;""",
    f"""CREATE TRIGGER {NAME}_update BEFORE UPDATE OF status, mentor_id ON matching_mentorship
    WHEN NEW.status IN {LIVE}
        AND NOT (OLD.status IN {LIVE} AND OLD.mentor_id = NEW.mentor_id)
    BEGIN {SQLITE_CHECK} END;""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {NAME}_insert;", f"DROP TRIGGER IF EXISTS {NAME}_update;"]


def create(apps, schema_editor):
    run_for_vendor(schema_editor, postgres=POSTGRES, sqlite=SQLITE)


def drop(apps, schema_editor):
    run_for_vendor(schema_editor, postgres=POSTGRES_DROP, sqlite=SQLITE_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0005_program_reminder_intervals"),
    ]

    operations = [migrations.RunPython(create, drop)]
