"""Pages of a mentorship for its mentor and mentee (included from mm_program/urls.py).

Emails link to ``mentorship_detail`` and ``invitation``: keep those names.
"""

from django.urls import path

from . import mentorship_views as views

urlpatterns = [
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<int:pk>/meetings/", views.meeting_log, name="meeting_log"),
    path("mentorships/<int:pk>/meetings/<int:meeting_pk>/remove/", views.meeting_remove,
         name="meeting_remove"),
    path("mentorships/<int:pk>/terms/", views.mentorship_terms, name="mentorship_terms"),
    path("mentorships/<int:pk>/project/", views.final_project, name="final_project"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path("mentorships/<int:pk>/pause/", views.mentorship_pause, name="mentorship_pause"),
    path("mentorships/<int:pk>/withdraw/", views.mentorship_withdraw,
         name="mentorship_withdraw"),
    path("mentoring/<int:mentor_pk>/add/", views.mentee_add, name="mentee_add"),
    path("mentoring/<int:mentor_pk>/capacity/", views.mentor_capacity,
         name="mentor_capacity"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
