"""Offers in a cohort program: a matching run stored and approved, the offers it sends, the
applicant's answer, and the slot a decline or a lapse frees.

- ``cohort_run_store`` keeps one mode's result of ``cohort_matching.cohort_compare`` as a
  ``MatchingRun`` (its ``mode`` says which) with one ``Proposal`` per placed applicant.
- ``cohort_run_approve`` sends an ``Offer`` per proposal, with an accept-by date (the
  cohort's ``offer_days`` from today, or the organizer's date), refusing a run the cohort
  has moved on from (``StaleRun``, as for rolling runs).
- ``offer_accept`` accepts the application and starts the mentorship through
  ``mentorship_create``; ``offer_decline`` and ``offers_lapse`` (the hourly task) free the
  slot and propose the mentor's best waiting candidate (``best_waiting_candidate``).
- An organizer sends that proposal (``reoffer_approve``) or dismisses it
  (``reoffer_dismiss``: the next candidate is proposed).

Re-offers wait for an organizer rather than going out on their own: the freed slot may be
better given to another mentor, the next yes may have found a place elsewhere meanwhile,
and MATS's organizers would "rather risk rejecting a strong participant than admitting a
weak one". Every email goes through the message log, one per offer (its occasion).
"""

from dataclasses import asdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import (
    HELD_OFFER_STATUSES,
    OPEN_STATUSES,
    ApplicationStatus,
    Cohort,
    CohortMentor,
    CohortPairRule,
    MatchingRun,
    Mentee,
    Mentor,
    Mentorship,
    MentorshipSource,
    Offer,
    OfferStatus,
    Program,
    Proposal,
)
from matching.scoping import organizes
from mm_program import emails
from mm_program.messaging import queue

from .applications import application_decide
from .cohort_matching import MODES, cohort_compare, cohort_inputs, inputs_fingerprint, pair_score
from .cohort_slots import yes_rows_by_mentor
from .matching import StaleRun
from .mentorships import mentorship_create

MAX_OFFER_DAYS = 60


def _organizer(by, what: str, program) -> None:
    if not organizes(by, program):
        raise PermissionDenied(f"Only the program's organizers {what}.")


# --------------------------------------------------------------------------- runs


def cohort_run_store(*, cohort: Cohort, mode: str, by) -> MatchingRun:
    """Solve the cohort as it is now and keep `mode`'s result as a run to approve: its
    proposals, the pairs it left out and the other mode's figures for the record."""
    _organizer(by, "run matching", cohort.program_id)
    if mode not in MODES:
        raise ValidationError(f"Choose a mode: {', '.join(MODES)}.")
    started = timezone.now()
    comparison = cohort_compare(cohort=cohort)
    result = comparison.modes[mode]
    names = dict(cohort.program.menteeapplications.filter(
        pk__in={a for a, _ in comparison.pairs}).values_list("pk", "name"))
    locked = set(comparison.locked)
    unmatched = [{"mentee": str(a), "name": names.get(a, ""),
                  "reason": "every mentor who said yes to them filled their slots first"}
                 for a in sorted({a for a, _ in comparison.pairs} - set(result.placed))]
    with transaction.atomic():
        run = MatchingRun.objects.create(
            program=cohort.program, mode=mode, created_by=by,
            status=MatchingRun.Status.PROPOSED, weights=cohort.weights, threshold=0,
            require_shared_area=False, state_fingerprint=inputs_fingerprint(comparison),
            inputs={"slots": {str(m): n for m, n in comparison.slots.items()},
                    "locked": [list(p) for p in comparison.locked],
                    "forbidden": [list(p) for p in comparison.forbidden],
                    "blocking": [list(p) for p in result.blocking],
                    "compared": {m.mode: {"placed": m.placed_count, "total": m.total,
                                          "blocking": len(m.blocking)}
                                 for m in comparison.modes.values()}},
            total_score=result.total, matched_count=result.placed_count,
            mentee_count=comparison.applicants, pair_count=len(comparison.pairs),
            unmatched=unmatched, solve_started_at=started, solve_finished_at=timezone.now())
        Proposal.objects.bulk_create([
            Proposal(run=run, application_id=a, mentor_id=m,
                     score=comparison.pairs[(a, m)].score,
                     components=[asdict(c) for c in comparison.pairs[(a, m)].components],
                     summary=f"{names.get(a, '')}'s choice no. "
                             f"{comparison.pairs[(a, m)].choice_rank}",
                     locked=(a, m) in locked)
            for a, m in sorted(result.placed.items())], batch_size=1000)
    return run


def accept_by_for(cohort: Cohort, accept_by: date | None = None) -> date:
    """The accept-by date of offers sent today: the organizer's, or ``offer_days`` on."""
    today = timezone.localdate()
    if accept_by is None:
        return today + timedelta(days=cohort.offer_days)
    if accept_by <= today:
        raise ValidationError({"accept_by": "Give applicants until a day after today."})
    if accept_by > today + timedelta(days=MAX_OFFER_DAYS):
        raise ValidationError({"accept_by": f"At most {MAX_OFFER_DAYS} days from today."})
    return accept_by


def cohort_run_approve(*, run: MatchingRun, by, accept_by: date | None = None) -> list[Offer]:
    """Send an offer for every proposal of a stored cohort run, all or nothing.

    Raises ValidationError for a run that isn't a cohort run waiting for approval or a
    bad date, and StaleRun if reviews, slots, rules or offers changed since the run."""
    _organizer(by, "approve matching runs", run.program_id)
    with transaction.atomic():
        program = Program.objects.select_for_update(of=("self",)).get(pk=run.program_id)
        run = MatchingRun.objects.select_for_update(of=("self",)).defer("inputs").get(
            pk=run.pk)
        if not run.is_cohort:
            raise ValidationError("This is a rolling program's run: approve it in admin.")
        if run.status != MatchingRun.Status.PROPOSED:
            raise ValidationError("This run was approved already: its offers are out.")
        cohort = Cohort.objects.get(program=program)
        if inputs_fingerprint(cohort_inputs(cohort)) != run.state_fingerprint:
            raise StaleRun("Reviews, slots, locks or offers have changed since this run: "
                           "run matching again before approving.")
        until = accept_by_for(cohort, accept_by)
        proposals = list(run.proposals.select_related("application", "mentor__user")
                         .order_by("pk"))
        if not proposals:
            raise ValidationError("This run placed nobody: there is no offer to send.")
        offers, now = [], timezone.now()
        for proposal in proposals:
            offer = Offer.objects.create(
                cohort=cohort, application=proposal.application, mentor=proposal.mentor,
                run=run, score=proposal.score)
            _send(offer, by=by, until=until)
            proposal.approved_at, proposal.approved_by = now, by
            offers.append(offer)
        Proposal.objects.bulk_update(proposals, ["approved_at", "approved_by"])
        run.status = MatchingRun.Status.APPROVED
        run.save(update_fields=["status"])
    return offers


# --------------------------------------------------------------------------- sending


def _send(offer: Offer, *, by, until: date) -> Offer:
    offer.status, offer.accept_by = OfferStatus.PENDING, until
    offer.sent_at, offer.sent_by = timezone.now(), by
    offer._history_user = by
    offer.save(update_fields=["status", "accept_by", "sent_at", "sent_by"])
    offer_email(offer)
    return offer


def offer_email(offer: Offer, *, name: str = "cohort-offer") -> None:
    """The offer (or, ``cohort-offer-lapsed``, the news that it lapsed), to the
    applicant: one of each per offer (its occasion), through the message log."""
    application, program = offer.application, offer.cohort.program
    queue(
        name, to=application.email,
        context={"name": application.name, "mentor_name": str(offer.mentor.user),
                 "program": program, "accept_by": offer.accept_by,
                 "offer_url": emails.absolute_url(reverse("cohort_offer",
                                                          args=[program.slug]))},
        occasion=f"{name}/offer:{offer.pk}",
        user=application.user, program=program, about=offer)


def _locked(offer: Offer) -> Offer:
    return (Offer.objects.select_for_update(of=("self",))
            .select_related("application", "mentor__user", "cohort__program")
            .get(pk=offer.pk))


# --------------------------------------------------------------------------- answers


def _answerable(offer: Offer, by) -> None:
    if offer.application.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Only the applicant answers their offer.")
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(f"This offer is no longer open: "
                              f"{offer.get_status_display().lower()}.")
    if offer.accept_by < timezone.localdate():
        raise ValidationError("This offer lapsed: it was open until "
                              f"{date_format(offer.accept_by)}.")


@transaction.atomic
def offer_accept(*, offer: Offer, by) -> Mentorship:
    """The applicant accepts: their application is accepted and the mentorship starts
    (both sides get the introduction). Raises PermissionDenied for anyone else."""
    offer = _locked(offer)
    _answerable(offer, by)
    decider = offer.sent_by or by
    if offer.application.status != ApplicationStatus.ACCEPTED:
        application_decide(application=offer.application, decision=ApplicationStatus.ACCEPTED,
                           decided_by=decider, notify=False)
    mentee = Mentee.objects.get(program_id=offer.cohort.program_id,
                                user_id=offer.application.user_id)
    mentorship = mentorship_create(mentor=offer.mentor, mentee=mentee,
                                   source=MentorshipSource.MATCH, created_by=decider)
    offer.status, offer.answered_at, offer.mentorship = (
        OfferStatus.ACCEPTED, timezone.now(), mentorship)
    offer._history_user = by
    offer.save(update_fields=["status", "answered_at", "mentorship"])
    return mentorship


@transaction.atomic
def offer_decline(*, offer: Offer, by) -> Offer | None:
    """The applicant declines: the slot is free, and the mentor's best waiting candidate
    is proposed for it (returned; None if nobody waits)."""
    offer = _locked(offer)
    _answerable(offer, by)
    offer.status, offer.answered_at = OfferStatus.DECLINED, timezone.now()
    offer._history_user = by
    offer.save(update_fields=["status", "answered_at"])
    return propose_replacement(offer)


def offers_lapse(*, today: date | None = None) -> list[Offer]:
    """Sent offers not answered by their accept-by date lapse (the applicant is told), and
    each freed slot gets a proposal. Safe to run twice (the periodic task): a lapsed
    offer is left alone."""
    today = today or timezone.localdate()
    due = list(Offer.objects.filter(status=OfferStatus.PENDING, accept_by__lt=today)
               .order_by("accept_by", "pk").values_list("pk", flat=True))
    lapsed = []
    for pk in due:
        with transaction.atomic():
            offer = _locked(Offer(pk=pk))
            if offer.status != OfferStatus.PENDING or offer.accept_by >= today:
                continue
            offer.status = OfferStatus.LAPSED
            offer.save(update_fields=["status"])
            offer_email(offer, name="cohort-offer-lapsed")
            propose_replacement(offer)
            lapsed.append(offer)
    return lapsed


def offers_withdraw(user) -> int:
    """The person's offers still in play (proposed or sent) are withdrawn, as when their
    data is erased: a sent one counts as declined, a proposal as dismissed, and each
    freed slot gets a proposal for the mentor's next yes. Nobody is emailed. Returns how
    many were withdrawn."""
    live = list(Offer.objects.filter(application__user=user,
                                     status__in=[OfferStatus.PROPOSED, OfferStatus.PENDING])
                .values_list("pk", flat=True))
    withdrawn = 0
    for pk in live:
        with transaction.atomic():
            offer = _locked(Offer(pk=pk))
            if offer.status == OfferStatus.PENDING:
                offer.status, offer.answered_at = OfferStatus.DECLINED, timezone.now()
            elif offer.status == OfferStatus.PROPOSED:
                offer.status = OfferStatus.DISMISSED
            else:
                continue
            offer._change_reason = "Withdrawn: the applicant's data was erased."
            offer.save(update_fields=["status", "answered_at"])
            propose_replacement(offer)
            withdrawn += 1
    return withdrawn


# --------------------------------------------------------------------------- re-offers


def best_waiting_candidate(cohort: Cohort, mentor: Mentor):
    """The mentor's first yes, in their order (rank, then rating), who is still to place:
    an open application that holds no offer, never had one from this mentor, and isn't
    forbidden with them. (YesRow, its score) or None."""
    rows = yes_rows_by_mentor(cohort, [mentor.pk]).get(mentor.pk, [])
    excluded = set(Offer.objects.filter(cohort=cohort, status__in=HELD_OFFER_STATUSES)
                   .values_list("application_id", flat=True))
    excluded |= set(Offer.objects.filter(mentor=mentor).values_list("application_id",
                                                                    flat=True))
    excluded |= set(CohortPairRule.objects.filter(
        mentor=mentor, kind=CohortPairRule.Kind.FORBID).values_list("application_id",
                                                                    flat=True))
    for position, row in enumerate(rows):
        if row.application_id not in excluded:
            score, _ = pair_score(cohort, choice_rank=row.choice_rank,
                                  mentor_position=position, yeses=len(rows),
                                  rating=row.rating)
            return row, score
    return None


def slots_free(cohort: Cohort, mentor: Mentor) -> int:
    slots = CohortMentor.objects.filter(mentor=mentor).values_list("slots", flat=True)
    held = Offer.objects.filter(cohort=cohort, mentor=mentor,
                                status__in=HELD_OFFER_STATUSES).count()
    return (slots.first() or 0) - held


def propose_replacement(freed: Offer) -> Offer | None:
    """Propose the best waiting candidate for the slot `freed` left (declined, lapsed, or
    a dismissed proposal), once: a second call returns the first proposal. None if the
    mentor has no slot left (organizers lowered it) or nobody waits."""
    existing = Offer.objects.filter(replaces=freed).first()
    if existing is not None:
        return existing
    CohortMentor.objects.select_for_update(of=("self",)).filter(mentor=freed.mentor_id).first()
    cohort, mentor = freed.cohort, freed.mentor
    if slots_free(cohort, mentor) <= 0:
        return None
    candidate = best_waiting_candidate(cohort, mentor)
    if candidate is None:
        return None
    row, score = candidate
    try:
        with transaction.atomic():
            return Offer.objects.create(cohort=cohort, application_id=row.application_id,
                                        mentor=mentor, replaces=freed, score=score)
    except IntegrityError:  # the candidate was proposed elsewhere a moment ago
        return None


def _proposed(offer: Offer) -> Offer:
    offer = _locked(offer)
    if offer.status != OfferStatus.PROPOSED:
        raise ValidationError(f"This offer is {offer.get_status_display().lower()}: "
                              "only a proposed one is sent or dismissed.")
    return offer


@transaction.atomic
def reoffer_approve(*, offer: Offer, by, accept_by: date | None = None) -> Offer:
    """An organizer sends a proposed re-offer, with its accept-by date."""
    _organizer(by, "send offers", offer.cohort.program_id)
    offer = _proposed(offer)
    CohortMentor.objects.select_for_update(of=("self",)).filter(mentor=offer.mentor_id).first()
    if offer.application.status not in OPEN_STATUSES:
        raise ValidationError(f"{offer.application.name}'s application was decided since: "
                              "dismiss this proposal to propose the next candidate.")
    if slots_free(offer.cohort, offer.mentor) < 0:
        raise ValidationError(f"{offer.mentor.user} has no slot for it any more: give "
                              "them one on the slots page, or dismiss the proposal.")
    return _send(offer, by=by, until=accept_by_for(offer.cohort, accept_by))


@transaction.atomic
def reoffer_dismiss(*, offer: Offer, by) -> Offer | None:
    """An organizer doesn't send a proposed re-offer: the next candidate is proposed for
    the slot (returned; None if nobody waits)."""
    _organizer(by, "dismiss proposals", offer.cohort.program_id)
    offer = _proposed(offer)
    offer.status = OfferStatus.DISMISSED
    offer._history_user = by
    offer.save(update_fields=["status"])
    return propose_replacement(offer)
