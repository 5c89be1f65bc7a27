"""Background work of matching: solving a queued run, lapsing unanswered cohort offers."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from matching.services.cohort_offers import offers_lapse
from matching.services.matching import run_fail, run_solve

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
RETRY_SECONDS = 30


@shared_task(bind=True, max_retries=MAX_RETRIES)
def solve_matching_run(self, run_id: int) -> str:
    """Solve one queued matching run (``run_solve``): enqueued on commit by whoever queued
    it. Idempotent: a run already solved or failed is left alone. A lost database
    connection is tried again; after the last try the run is marked failed."""
    try:
        run = run_solve(run_id=run_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.exception("Matching run %s: giving up after a database error", run_id)
            run_fail(run_id=run_id, failure=(
                f"The database could not be reached while solving ({exc}). Re-run to try "
                "again."))
            return "failed"
        raise self.retry(exc=exc, countdown=RETRY_SECONDS * 2 ** self.request.retries) \
            from exc
    return run.status if run is not None else "missing"


@shared_task
def lapse_offers() -> int:
    """Lapse the cohort offers past their accept-by date and propose a candidate for each
    freed slot (``cohort_offers.offers_lapse``): run every hour by beat (migration 0016);
    a second run finds nothing to do."""
    return len(offers_lapse())
