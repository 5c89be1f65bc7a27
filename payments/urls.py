"""The payee's stipend pages (included from mm_program/urls.py). Emails link to
``stipend_detail`` and ``stipend_bank_details``: keep those names."""

from django.urls import path

from . import views

urlpatterns = [
    path("stipends/", views.stipend_list, name="stipend_list"),
    path("stipends/bank-details/", views.bank_details, name="stipend_bank_details"),
    path("stipends/new/", views.stipend_pick, name="stipend_pick"),
    path("stipends/new/<int:mentorship_pk>/", views.stipend_new, name="stipend_new"),
    path("stipends/grant/<int:mentorship_pk>/<int:phase_pk>/", views.stipend_grant,
         name="stipend_grant"),
    path("stipends/<int:pk>/", views.stipend_detail, name="stipend_detail"),
]
