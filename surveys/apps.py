from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys and impact"
    admin_position = 30  # after stipends (mm_program/admin_site.py)
    admin_models = ("response", "invitation", "surveytemplate")

    def ready(self):
        from django.db.models.signals import post_save

        from matching import notifications, signals
        from mm_program.models import Message

        # (they register reminder rules, the survey link, privacy hooks, a dashboard block,
        # the organizers' spreadsheets' columns, a "needs attention" count)
        from . import (  # noqa: F401
            attention,
            dashboard,
            dispatch,
            exports,
            privacy,
            reminders,
            tokens,
        )

        if dispatch.baseline_in_introduction not in notifications.INTRODUCTION_EXTRAS:
            notifications.INTRODUCTION_EXTRAS.append(dispatch.baseline_in_introduction)
        signals.mentorship_started.connect(dispatch.on_mentorship_started,
                                           dispatch_uid="surveys.baseline")
        signals.mentorship_ended.connect(dispatch.on_mentorship_ended,
                                         dispatch_uid="surveys.finals")
        post_save.connect(dispatch.track_messages, sender=Message,
                          dispatch_uid="surveys.track_messages")
