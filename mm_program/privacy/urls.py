"""The participant's privacy pages (included from mm_program/urls.py). The erasure
acknowledgement email links to ``privacy``: keep the name."""

from django.urls import path

from . import views

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/my-data.json", views.export, name="privacy_export"),
]
