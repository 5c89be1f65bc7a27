"""A person's cohort pages, at the top of their dashboard (a ``dashboard_extra`` block,
imported by ``MatchingConfig.ready``): the mentor's applicants, the reviewer's list, the
applicant's choice of mentors and offers. One query."""

from django.db.models import Exists, OuterRef, Q

from .dashboard import dashboard_extra
from .models import OPEN_STATUSES, Cohort, MenteeApplication, Mentor, Offer, OfferStatus, Reviewer


@dashboard_extra(place="top", template="matching/cohort/_dashboard.html")
def cohort_pages(user) -> dict | None:
    mentor = Mentor.objects.filter(program=OuterRef("program"), user=user)
    reviewer = Reviewer.objects.filter(cohort=OuterRef("pk"), user=user)
    applicant = MenteeApplication.objects.filter(program=OuterRef("program"), user=user,
                                                 status__in=OPEN_STATUSES)
    offer = Offer.objects.filter(cohort=OuterRef("pk"), application__user=user,
                                 status=OfferStatus.PENDING)
    cohorts = list(
        Cohort.objects.annotate(is_mentor=Exists(mentor), is_reviewer=Exists(reviewer),
                                is_applicant=Exists(applicant), has_offer=Exists(offer))
        .filter(Q(is_mentor=True) | Q(is_reviewer=True) | Q(is_applicant=True))
        .select_related("program").order_by("program__name"))
    return {"cohorts": cohorts} if cohorts else None
