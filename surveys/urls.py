"""Survey links (emails link to ``survey``: keep the name) and the organizers' impact
dashboard (included from mm_program/urls.py)."""

from django.urls import path, re_path

from . import views
from .impact import views as impact

urlpatterns = [
    path("surveys/<str:token>/", views.survey, name="survey"),
    path("organizers/impact/", impact.dashboard, name="impact_dashboard"),
    re_path(r"^organizers/impact/raw-answers\.(?P<fmt>csv|xlsx)$", impact.raw_answers,
            name="impact_raw_answers"),
    path("organizers/impact/report/", impact.report, name="impact_report"),
    path("organizers/impact/answers/<slug:kind>/<slug:key>/", impact.answers,
         name="impact_answers"),
    re_path(r"^organizers/impact/(?P<figure>[a-z_]+)\.csv$", impact.export,
            name="impact_export"),
]
