from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import attention_page, views

# The admin login goes through allauth's, so it gets the same rate limits, login codes
# and email verification as everyone else's.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Program organizers"
admin.site.site_title = "Organizers"
admin.site.index_title = "Run the program"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin's).
    path("favicon.ico", views.favicon),
    path("reminders/pause/<str:token>/", views.reminder_pause, name="reminder_pause"),
    path("reminders/pause/<str:token>/one-click/", views.reminder_pause_one_click,
         name="reminder_pause_one_click"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("", include("matching.urls")),
    path("", include("payments.urls")),
    path("", include("surveys.urls")),
    path("", include("mm_program.privacy.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/attention/", attention_page.attention, name="attention"),
    path("admin/", admin.site.urls),
]
