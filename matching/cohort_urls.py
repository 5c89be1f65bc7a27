"""The pages of cohort programs (included from matching/urls.py): the public listing, the
applicant's choices, the mentor's and reviewers' pages, and the organizers' steps.

Emails link to ``cohort_apply``, ``cohort_mentor`` and ``cohort_offer``: keep those names.
"""

from django.urls import path

from .views import cohort_extension as extension
from .views import cohort_milestones as milestones
from .views import cohort_offers as offers
from .views import cohort_organizer as organizer
from .views import cohort_phases as phases
from .views import cohort_selection as selection

urlpatterns = [
    path("cohorts/<slug:slug>/", selection.listing, name="cohort_listing"),
    path("cohorts/<slug:slug>/apply/", selection.apply, name="cohort_apply"),
    path("cohorts/<slug:slug>/mentors/<int:mentor_pk>/task/", selection.task_file,
         name="cohort_task_file"),
    path("cohorts/<slug:slug>/mentor/", selection.mentor_page, name="cohort_mentor"),
    path("cohorts/<slug:slug>/mentor/listing/", selection.listing_edit,
         name="cohort_listing_edit"),
    path("cohorts/<slug:slug>/review/", selection.reviewer_page, name="cohort_reviewer"),
    path("cohorts/<slug:slug>/applicants/<int:pk>/", selection.applicant,
         name="cohort_applicant"),
    path("cohorts/<slug:slug>/applicants/<int:pk>/conflict/", selection.conflict,
         name="cohort_conflict"),
    path("cohorts/<slug:slug>/offer/", offers.offer, name="cohort_offer"),
    path("organizers/cohorts/<slug:slug>/", organizer.overview, name="cohort_overview"),
    path("organizers/cohorts/<slug:slug>/slots/", organizer.allocation,
         name="cohort_allocation"),
    path("organizers/cohorts/<slug:slug>/matching/", organizer.matching,
         name="cohort_matching"),
    path("organizers/cohorts/<slug:slug>/matching/rule/", organizer.pair_rule,
         name="cohort_pair_rule"),
    path("organizers/cohorts/<slug:slug>/runs/", offers.run_store, name="cohort_run_store"),
    path("organizers/cohorts/<slug:slug>/runs/<int:pk>/", offers.run_page, name="cohort_run"),
    path("organizers/cohorts/<slug:slug>/offers/", offers.offers_page, name="cohort_offers"),
    # Phases and milestones (matching.views.cohort_phases, cohort_milestones).
    path("cohorts/<slug:slug>/filter/", phases.mentor_filter, name="cohort_filter"),
    path("cohorts/<slug:slug>/milestones/", milestones.scholar_page, name="cohort_milestones"),
    path("cohorts/<slug:slug>/submissions/<int:pk>/file/", milestones.submission_file,
         name="cohort_submission_file"),
    path("cohorts/<slug:slug>/grading/", milestones.grader_page, name="cohort_grader"),
    path("cohorts/<slug:slug>/grading/<int:pk>/", milestones.grading_page,
         name="cohort_grading"),
    path("organizers/cohorts/<slug:slug>/phases/", phases.phases_page, name="cohort_phases"),
    path("cohorts/<slug:slug>/extension/", extension.apply, name="cohort_extension"),
    path("cohorts/<slug:slug>/extension/endorse/", extension.endorse, name="cohort_endorse"),
    path("organizers/cohorts/<slug:slug>/phases/<int:pk>/applications/", extension.decide,
         name="cohort_extension_decide"),
]
