"""A mentor adds a mentee they found (one row), and the invited mentee confirms."""

from datetime import timedelta

from crispy_forms.layout import Div, Field, Submit
from django import forms
from django.utils import timezone

from matching.forms.common import PlainWordsForm, crispy_helper
from matching.services.invitation_rules import adding_refused, invitation_address_problem
from mm_program.form_fields import TimezoneField


class AddMenteeForm(forms.Form):
    """Its inputs are written out in _mentor_sheet.html, with the bounds read here."""

    name = forms.CharField(
        label="Their name", max_length=150,
        error_messages={"required": "Enter the mentee's name."},
    )
    # An address may have 320 characters, the account's column holds 254.
    email = forms.EmailField(
        label="Their email", max_length=254,
        error_messages={
            "required": "Enter the mentee's email: we send them a link to confirm.",
            "invalid": "That doesn't look like an email address: check for a typo "
                       "(name@example.org).",
            "max_length": "That address is too long (254 characters at most): check it.",
        },
    )
    start_date = forms.DateField(
        label="Start date",
        error_messages={"required": "Enter when the mentorship starts (usually today).",
                        "invalid": "Enter a date like 2026-11-03."},
    )
    # Offered only when every place is taken (_mentor_sheet.html): adding the mentee then
    # raises the cap to this number, by the capacity rules (mentor_rows.py).
    capacity = forms.IntegerField(
        label="Take up to this many mentees", required=False,
        error_messages={"invalid": "Enter a whole number of mentees, for example 4."},
    )
    # Far enough for a mentorship that began a while ago or starts after a break; the
    # planned end is computed from the start, and past year 9999 there is no date.
    START_WITHIN = timedelta(days=366)

    def __init__(self, *args, mentor, **kwargs):
        self.mentor = mentor
        kwargs.setdefault("prefix", f"add-{mentor.pk}")
        kwargs.setdefault("initial", {}).setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)

    @property
    def earliest_start(self):
        return timezone.localdate() - self.START_WITHIN

    @property
    def latest_start(self):
        return timezone.localdate() + self.START_WITHIN

    def clean(self):
        refused = adding_refused(self.mentor)
        if refused:
            raise forms.ValidationError(refused)
        return super().clean()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the mentee's name.")
        return name

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if not self.earliest_start <= start <= self.latest_start:
            raise forms.ValidationError(
                "Enter a start date within a year of today (usually today).")
        return start

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        problem = invitation_address_problem(mentor=self.mentor, email=email)
        if problem:
            raise forms.ValidationError(problem)
        return email


class InvitationForm(PlainWordsForm):
    name = forms.CharField(label="Your name", max_length=150,
                           error_messages={"required": "Please tell us your name."})
    timezone = TimezoneField(
        label="Your time zone",
        help_text="So that your mentor can suggest times that suit you.",
        error_messages={"required": "Pick your time zone from the list.",
                        "invalid_choice": "Pick your time zone from the list "
                                          "(for example Europe/Berlin)."},
    )
    goals = forms.CharField(
        label="What do you want to work on?", max_length=3000, widget=forms.Textarea,
        help_text="A sentence or two is enough.",
        error_messages={
            "required": "Tell your mentor in a sentence what you want to work on.",
            "max_length": "Please keep this under 3,000 characters: a few sentences are "
                          "plenty.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.helper = crispy_helper(self, "name", Field("timezone"), "goals",
                              Div(Submit("accept", "Confirm and start", css_class="btn-lg"),
                                  css_class="mt-3"))

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please tell us your name.")
        return name
