"""A survey response carries its mentorship's program and mentor and its invitation's
months after the end (the impact figures group answers by them without joining each
answer to its invitation and mentorship): set when it is created, and filled in for the
responses there were before (surveys 0008 and 0009)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from surveys.models import Question, Response, SurveyKind, SurveyTemplate
from surveys.seed import create_default_templates

from .factories import ProgramFactory
from .surveys_helpers import answer, completed, invitation
from .test_impact_mentor_followups import followup


def _copies(response):
    invitation = response.invitation
    return (response.program_id, response.mentor_id, response.months_after) == (
        invitation.mentorship.program_id, invitation.mentorship.mentor_id,
        invitation.months_after)


@pytest.mark.django_db
def test_a_new_response_copies_its_mentorships_program_and_mentor_and_its_months():
    program = ProgramFactory()
    mentorship = completed(program)
    mentee = answer(invitation(mentorship), submit=False)
    mentor = answer(invitation(mentorship, SurveyKind.MENTOR_FINAL))
    later = answer(followup(mentorship, 12))
    for response, months in ((mentee, 0), (mentor, 0), (later, 12)):
        response.refresh_from_db()
        assert (response.program_id, response.mentor_id, response.months_after) == (
            program.pk, mentorship.mentor_id, months)


def migrate(targets=None):
    """To `targets`, or to every app's latest migration."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_the_latest():
    """Going back unapplies later migrations: whatever happens, the database ends at every
    app's latest, as the next tests need."""
    yield
    migrate()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_in_the_responses_there_were(back_to_the_latest):
    # A transactional test before this one on the same worker may have flushed the
    # default survey templates a migration seeded.
    create_default_templates(SurveyTemplate, Question)
    made = []
    for name in ("First", "Second"):
        mentorship = completed(ProgramFactory(name=name))
        made += [answer(invitation(mentorship)),
                 answer(invitation(mentorship, SurveyKind.MENTOR_FINAL), submit=False),
                 answer(followup(mentorship, 6))]
    migrate([("surveys", "0007_shorter_mentee_surveys")])  # the copies are dropped
    migrate()
    responses = Response.objects.select_related("invitation__mentorship")
    assert responses.count() == len(made)
    assert len({r.program_id for r in responses}) == 2
    assert {r.months_after for r in responses} == {0, 6}
    assert all(_copies(r) for r in responses)
