"""Capacity under concurrency, on PostgreSQL: two organizers approving at the same moment.

SQLite serialises writers anyway (and its in-memory test database is not shared between
threads), so these run where it matters: on PostgreSQL, in CI.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections

from matching import scoring
from matching.models import LIVE_STATUSES, Mentorship, MentorshipSource
from matching.services.matching import run_approve, run_matching
from matching.services.mentorships import mentorship_create

from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def race(*calls):
    """Run the calls in threads released at the same instant; return results/exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_organizers_approving_overlapping_runs_never_exceed_capacity(program, organizer):
    mentor = accepted_mentor(program, "Solo Mentor", capacity=1)
    accepted_mentee(program, "First Mentee")
    accepted_mentee(program, "Second Mentee")
    # Two organizers run matching on the same state: each run proposes the one place.
    runs = [run_matching(program=program, weights=scoring.Weights(), threshold=0,
                         by=organizer) for _ in range(2)]
    # Make the runs propose different mentees for the same place.
    second = runs[1].proposals.get()
    other = [m for m in program.mentees.all() if m.pk != second.mentee_id][0]
    second.mentee = other
    second.save()

    results = race(*(lambda r=r: run_approve(run=r, by=organizer) for r in runs))

    live = Mentorship.objects.filter(mentor=mentor, status__in=LIVE_STATUSES).count()
    assert live == 1
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results


@pytest.mark.parametrize("attempts", [8])
def test_concurrent_hand_matches_fill_a_mentor_exactly_to_capacity(program, attempts):
    mentor = accepted_mentor(program, "Busy Mentor", capacity=3)
    mentees = [accepted_mentee(program, f"Mentee {i}") for i in range(attempts)]

    results = race(*(
        lambda m=m: mentorship_create(mentor=mentor, mentee=m,
                                      source=MentorshipSource.ORGANIZER)
        for m in mentees
    ))

    created = [r for r in results if isinstance(r, Mentorship)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 3 and len(refused) == attempts - 3, results
    assert all("at capacity (3 of 3 mentees)" in " ".join(e.messages) for e in refused)
    assert Mentorship.objects.filter(mentor=mentor, status__in=LIVE_STATUSES).count() == 3


def test_the_same_pair_twice_at_once_makes_one_mentorship(program):
    mentor = accepted_mentor(program, "Pair Mentor", capacity=5)
    mentee = accepted_mentee(program, "Pair Mentee")
    results = race(*(
        lambda: mentorship_create(mentor=mentor, mentee=mentee,
                                  source=MentorshipSource.ORGANIZER)
        for _ in range(4)
    ))
    assert sum(isinstance(r, Mentorship) for r in results) == 1, results
    assert Mentorship.objects.filter(mentor=mentor, mentee=mentee).count() == 1


def test_the_database_alone_keeps_raw_writes_within_capacity(program):
    """Writes that bypass the services (a script, a shell) still never overfill a mentor:
    the trigger locks the mentor's row and counts, so exactly `capacity` inserts win."""
    mentor = accepted_mentor(program, "Raw Mentor", capacity=2)
    mentees = [accepted_mentee(program, f"Raw Mentee {i}") for i in range(6)]

    results = race(*(
        lambda m=m: Mentorship.objects.create(program=program, mentor=mentor, mentee=m,
                                              source=MentorshipSource.ORGANIZER)
        for m in mentees
    ))

    created = [r for r in results if isinstance(r, Mentorship)]
    refused = [r for r in results if isinstance(r, IntegrityError)]
    assert len(created) == 2 and len(refused) == 4, results
    assert all("mentorship_mentor_capacity" in str(e) for e in refused)
    assert Mentorship.objects.filter(mentor=mentor, status__in=LIVE_STATUSES).count() == 2


def test_one_mentee_matched_to_two_mentors_at_once_gets_one(program):
    first = accepted_mentor(program, "First Mentor", capacity=3)
    second = accepted_mentor(program, "Second Mentor", capacity=3)
    mentee = accepted_mentee(program, "Wanted Mentee")

    results = race(*(
        lambda m=m: mentorship_create(mentor=m, mentee=mentee,
                                      source=MentorshipSource.ORGANIZER)
        for m in (first, second)
    ))

    assert sum(isinstance(r, Mentorship) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "already mentored by" in refused[0].messages[0]
    assert Mentorship.objects.filter(mentee=mentee, status__in=LIVE_STATUSES).count() == 1
