"""The pages of matching (included from mm_program/urls.py): the front page and the
interest forms, the dashboard, a mentorship's pages, the mentor's rows, the invitation.

Emails link to ``dashboard``, ``mentorship_detail``, ``invitation`` and
``apply_update_confirm``: keep those names.
"""

from django.urls import include, path

from .views import apply, invitations, mentoring, mentorships

urlpatterns = [
    path("", apply.home, name="home"),
    path("apply/confirm/<str:token>/", apply.apply_update_confirm,
         name="apply_update_confirm"),
    path("apply/<str:role>/", apply.apply, name="apply"),
    path("apply/<str:role>/thanks/", apply.apply_thanks, name="apply_thanks"),
    path("programs/<slug:slug>/", apply.program_page, name="program_page"),
    path("programs/<slug:slug>/apply/<str:role>/", apply.apply, name="apply_program"),
    path("dashboard/", mentoring.dashboard, name="dashboard"),
    path("mentorships/<int:pk>/", mentorships.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<int:pk>/meetings/", mentorships.meeting_log, name="meeting_log"),
    path("mentorships/<int:pk>/meetings/<int:meeting_pk>/remove/", mentorships.meeting_remove,
         name="meeting_remove"),
    path("mentorships/<int:pk>/meetings/undo/", mentorships.meeting_restore,
         name="meeting_restore"),
    path("mentorships/<int:pk>/terms/", mentorships.mentorship_terms, name="mentorship_terms"),
    path("mentorships/<int:pk>/project/", mentorships.final_project, name="final_project"),
    path("mentorships/<int:pk>/end/", mentorships.mentorship_end, name="mentorship_end"),
    path("mentorships/<int:pk>/pause/", mentorships.mentorship_pause, name="mentorship_pause"),
    path("mentorships/<int:pk>/withdraw/", mentoring.mentorship_withdraw,
         name="mentorship_withdraw"),
    path("mentoring/<int:mentor_pk>/add/", mentoring.mentee_add, name="mentee_add"),
    path("mentoring/<int:mentor_pk>/capacity/", mentoring.mentor_capacity,
         name="mentor_capacity"),
    path("invitation/<str:token>/", invitations.invitation, name="invitation"),
    path("", include("matching.cohort_urls")),
]
