"""Forms of a mentorship as its two participants fill them in.

They only check what people typed (types, ranges, contradictions) and say what is wrong
in plain words; the rules of the mentorship itself (status moves, capacity, dates against
the start) stay in ``matching.services.mentorships``, whose messages the views show at the
field or at the top of the form."""

from datetime import timedelta

from crispy_forms.layout import Field, Fieldset, Submit
from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone

from matching.forms.common import (
    DateInput,
    PlainWordsForm,
    SafeModelMultipleChoiceField,
    crispy_helper,
    date_text,
    https_urls,
    mark_optional,
)
from matching.models import (
    MAX_MEETING_MINUTES,
    EndReason,
    FinalProject,
    NextStep,
    OnTrack,
    ResearchArea,
    validate_next_steps,
)


class MeetingLogForm(forms.Form):
    """One meeting in one line: date (today), minutes (as agreed), on track?, a note.
    Its inputs are written out in _log_meeting_form.html, with the bounds read here."""

    date = forms.DateField(
        label="Date",
        error_messages={"required": "Enter the date of the meeting.",
                        "invalid": "Enter a date like 2026-11-03."},
    )
    minutes = forms.IntegerField(
        label="Minutes", min_value=1, max_value=MAX_MEETING_MINUTES,
        error_messages={
            "required": "Enter how many minutes you met.",
            "min_value": "Enter how many minutes you met: at least 1.",
            "max_value": f"A meeting of more than {MAX_MEETING_MINUTES} minutes (8 hours)? "
                         f"Enter at most {MAX_MEETING_MINUTES}.",
            "invalid": "Enter a whole number of minutes, for example 30.",
        },
    )
    on_track = forms.ChoiceField(
        label="On track?", choices=OnTrack.choices, widget=forms.RadioSelect,
        error_messages={"required": "Is the mentee on track? Pick yes, partly or no."},
    )
    note = forms.CharField(
        label="Note", max_length=280, required=False,
        error_messages={"max_length": "Keep the note to one line (280 characters at most)."},
    )

    def __init__(self, *args, mentorship=None, **kwargs):
        self.mentorship = mentorship
        kwargs.setdefault("prefix", f"log-{mentorship.pk}" if mentorship else "log")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        if mentorship is not None:
            kwargs["initial"].setdefault("minutes", mentorship.agreed_minutes())
        super().__init__(*args, **kwargs)


class TermsForm(PlainWordsForm):
    focus_areas = SafeModelMultipleChoiceField(
        label="Focus areas", queryset=ResearchArea.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    focus = forms.CharField(
        label="What the mentee will work on, in a line", max_length=300, required=False,
        error_messages={"max_length": "Keep it to a line (300 characters at most)."},
    )
    hours_per_week = forms.IntegerField(
        label="Mentee's hours per week", min_value=1, max_value=80,
        error_messages={
            "required": "Enter the hours a week the mentee will put in.",
            "min_value": "Enter at least 1 hour a week.",
            "max_value": "That's more than 80 hours a week: enter what the mentee can "
                         "really commit.",
            "invalid": "Enter a whole number of hours, for example 6.",
        },
    )
    meeting_every_weeks = forms.IntegerField(
        label="Meet every … weeks", min_value=1, max_value=8,
        error_messages={
            "required": "Enter how often you meet, in weeks.",
            "min_value": "Enter at least 1 (meeting every week).",
            "max_value": "Meet at least every 8 weeks, or the mentorship fades out.",
            "invalid": "Enter a whole number of weeks, for example 2.",
        },
    )
    meeting_minutes = forms.IntegerField(
        label="Minutes per meeting", min_value=5, max_value=MAX_MEETING_MINUTES,
        error_messages={
            "required": "Enter how long a meeting usually is, in minutes.",
            "min_value": "Enter at least 5 minutes.",
            "max_value": f"Enter at most {MAX_MEETING_MINUTES} minutes (8 hours).",
            "invalid": "Enter a whole number of minutes, for example 30.",
        },
    )
    planned_end_date = forms.DateField(
        label="Planned end", widget=DateInput(),
        error_messages={"required": "Enter when you plan to end (the final call).",
                        "invalid": "Enter a date like 2027-02-03."},
    )
    needs_stipend = forms.BooleanField(label="The mentee needs a stipend", required=False)

    number_bounds = {"hours_per_week": (1, 80), "meeting_every_weeks": (1, 8),
                     "meeting_minutes": (5, MAX_MEETING_MINUTES)}

    def __init__(self, *args, mentorship, **kwargs):
        self.mentorship = mentorship
        program = mentorship.program
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", terms_initial(mentorship))
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.number_bounds.items():
            self.fields[name].widget.attrs.update({"min": low, "max": high,
                                                   "inputmode": "numeric"})
        earliest = mentorship.start_date + relativedelta(months=program.duration_months_min)
        latest = mentorship.start_date + relativedelta(months=program.duration_months_max)
        self.fields["planned_end_date"].widget.attrs["min"] = (
            mentorship.start_date + timedelta(days=1)
        ).isoformat()
        self.fields["hours_per_week"].help_text = (
            f"The program asks for at least {program.min_hours_per_week} hours a week of "
            "the mentee's own work; under that it is probably not worth it."
        )
        self.fields["meeting_every_weeks"].help_text = (
            f"Suggested: every {program.meeting_every_weeks} weeks (every 1–4 weeks is usual)."
        )
        self.fields["meeting_minutes"].help_text = (
            f"Suggested: {program.meeting_minutes_min}–{program.meeting_minutes_max} minutes."
        )
        phases_end = program.phases_end_date(mentorship.start_date)
        if phases_end is not None:
            self.fields["planned_end_date"].help_text = (
                f"Suggested: the end of the program's phases, {date_text(phases_end)}.")
        else:
            self.fields["planned_end_date"].help_text = (
                f"Suggested: {program.duration_months_min}–{program.duration_months_max} "
                f"months after the start ({date_text(mentorship.start_date)}), that is "
                f"between {date_text(earliest)} and {date_text(latest)}."
            )
        # A program paying a grant per phase asks nobody whether a stipend is needed:
        # every scholar requests their grants from their page.
        how = ["hours_per_week", "meeting_every_weeks", "meeting_minutes", "planned_end_date"]
        if program.pays_grants():
            del self.fields["needs_stipend"]
        else:
            how.append("needs_stipend")
            rate = program.stipend_rate_for("mentee")
            rate = int(rate) if rate % 1 == 0 else rate
            self.fields["needs_stipend"].help_text = (
                f"The program pays {rate} {program.currency} an hour to mentees who need "
                "it, with a low bar. The mentee requests it later on this site."
            )
        self.fields["focus_areas"].help_text = "Tick the areas the work will be in."
        self.helper = crispy_helper(
            self,
            Fieldset("What you'll work on", Field("focus_areas", wrapper_class="mm-columns"),
                     "focus"),
            Fieldset("How you'll work", *how),
            Submit("submit", "Save the terms"),
        )

    def clean_planned_end_date(self):
        end = self.cleaned_data["planned_end_date"]
        if end <= self.mentorship.start_date:
            raise forms.ValidationError(
                "The planned end must be after the start "
                f"({date_text(self.mentorship.start_date)})."
            )
        return end

    def terms(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("focus", "hours_per_week", "meeting_every_weeks",
                                           "meeting_minutes", "planned_end_date",
                                           "needs_stipend") if key in self.fields}


def terms_initial(mentorship) -> dict:
    """The form starts from what is recorded; before the first call, from the program's
    defaults (which the services copied onto the mentorship) and the mentee's application."""
    initial = {
        "focus": mentorship.focus,
        "hours_per_week": mentorship.hours_per_week,
        "meeting_every_weeks": mentorship.meeting_every_weeks
        or mentorship.program.meeting_every_weeks,
        "meeting_minutes": mentorship.agreed_minutes(),
        "planned_end_date": mentorship.planned_end_date,
        "needs_stipend": mentorship.needs_stipend,
        "focus_areas": list(mentorship.focus_areas.all()),
    }
    application = getattr(mentorship.mentee, "application", None)
    if not mentorship.terms_recorded and application is not None:
        initial["hours_per_week"] = initial["hours_per_week"] or application.hours_per_week
        initial["needs_stipend"] = initial["needs_stipend"] or bool(
            getattr(application, "needs_funding", False))
        if not initial["focus_areas"]:
            initial["focus_areas"] = list(application.research_areas.all())
    return initial


class FinalProjectForm(forms.ModelForm):
    class Meta:
        model = FinalProject
        formfield_callback = https_urls
        fields = ["kind", "title", "url", "is_public", "is_published", "mentor_feedback"]
        labels = {
            "kind": "Kind of project",
            "title": "Title",
            "url": "Link",
            "is_public": "Public: others may read or use it",
            "is_published": "Published",
            "mentor_feedback": "Mentor's feedback",
        }
        help_texts = {
            "url": "A post, a repository, a document.",
            "is_public": "Untick if it stays between you two and the organizers.",
            "is_published": "",
            "mentor_feedback": "What went well, what to work on next. The mentee sees this.",
        }
        widgets = {"kind": forms.RadioSelect, "mentor_feedback": forms.Textarea}
        error_messages = {
            "kind": {"required": "Pick the kind of project."},
            "title": {"required": "Give the project a title, even a working one."},
            "url": {"invalid": "That doesn't look like a link: copy it from your browser's "
                               "address bar (https://…)."},
        }

    def __init__(self, *args, is_mentor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = FinalProject.Kind.choices
        if not is_mentor:
            # Only the mentor writes feedback; a mentee's post can't touch it.
            del self.fields["mentor_feedback"]
        mark_optional(self)
        names = list(self.fields)
        self.helper = crispy_helper(self, *names, Submit("submit", "Save the final project"))


class _EndForm(PlainWordsForm):
    ended_on = forms.DateField(
        label="Ended on", widget=DateInput(),
        error_messages={"required": "Enter the date it ended (usually today).",
                        "invalid": "Enter a date like 2027-02-03."},
    )

    def __init__(self, *args, mentorship, **kwargs):
        self.mentorship = mentorship
        kwargs.setdefault("initial", {}).setdefault("ended_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].widget.attrs.update({
            "max": timezone.localdate().isoformat(),
            "min": mentorship.start_date.isoformat(),
        })


class CompleteForm(_EndForm):
    next_steps = forms.MultipleChoiceField(
        label="What will the mentee apply to next?", choices=NextStep.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one next step, or “Nothing in AI safety "
                                    "for now”."},
    )
    notes = forms.CharField(
        label="Notes from the final call", max_length=2000, required=False,
        widget=forms.Textarea,
        help_text="Which job, PhD or grant; who could help. Organizers read this.",
        error_messages={"max_length": "Please keep this under 2,000 characters."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper(self, "next_steps", "notes", "ended_on",
                              Submit("submit", "Complete the mentorship",
                                     css_id="complete-submit"))

    def clean_next_steps(self):
        return validate_next_steps(self.cleaned_data["next_steps"])


class _DangerSubmit(Submit):
    field_classes = "btn btn-outline-danger"


class EndEarlyForm(_EndForm):
    reason = forms.ChoiceField(
        label="Why did it end early?", choices=EndReason.chosen, widget=forms.RadioSelect,
        error_messages={"required": "Pick the reason closest to what happened."},
    )
    notes = forms.CharField(
        label="Anything the organizers should know", max_length=2000, required=False,
        widget=forms.Textarea,
        help_text="Only the organizers read this, never the other person.",
        error_messages={"max_length": "Please keep this under 2,000 characters."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "early")
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper(self, "reason", "notes", "ended_on",
                              _DangerSubmit("submit", "End the mentorship early",
                                           css_id="early-submit"))
