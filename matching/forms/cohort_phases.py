"""Forms of a cohort's phases: the mentor's filter decision for one scholar, and a
scholar's milestone submission. The rules are the services' (``cohort_phases``,
``cohort_milestones``); these only read what was typed."""

from django import forms

from matching.models import Endorsement, FilterOutcome, Funding
from matching.models.cohort_extension import NOTE_MAX, PLAN_MAX
from matching.models.cohort_milestones import COMMENT_MAX, TEXT_MAX
from matching.models.cohort_phases import REASON_MAX

from .cohort import check_upload


class FilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision", choices=FilterOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose continue or stop."})
    reason = forms.CharField(
        label="Why", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why, in a sentence or two: the organizers read it."},
        help_text="Organizers read this. Stopping ends the mentorship; the scholar gets the "
                  "usual end-of-mentorship survey.")


class SubmissionForm(forms.Form):
    url = forms.URLField(label="Link", max_length=500, required=False,
                         help_text="A document anyone with the link can read.",
                         assume_scheme="https")
    file = forms.FileField(label="Or a file", required=False, validators=[check_upload])
    note = forms.CharField(label="Note for the graders (optional)", max_length=TEXT_MAX,
                           required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GradingForm(forms.Form):
    """Points and a comment per rubric section (``points_<pk>``, ``comment_<pk>``). The
    range of the points is the service's rule (``grading_save``): it names the section."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        for section in self.sections:
            self.fields[f"points_{section.pk}"] = forms.CharField(
                label=f"{section.name}: points (0 to {section.max_points})", max_length=10,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}))
            self.fields[f"comment_{section.pk}"] = forms.CharField(
                label=f"{section.name}: comment", required=False, max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}))

    def grades(self) -> dict:
        return {s.pk: (self.cleaned_data.get(f"points_{s.pk}", "").strip(),
                       self.cleaned_data.get(f"comment_{s.pk}", ""))
                for s in self.sections}

    def pairs(self):
        """(section, points field, comment field) for the template."""
        return [(s, self[f"points_{s.pk}"], self[f"comment_{s.pk}"]) for s in self.sections]


class ExtensionForm(forms.Form):
    plan = forms.CharField(label="What you'd do in it", max_length=PLAN_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Say in a few sentences what you'd do."})
    funding = forms.ChoiceField(label="Your outside funding", choices=Funding.choices,
                                widget=forms.RadioSelect, error_messages={
                                    "required": "Choose where your outside funding stands."})
    funder = forms.CharField(label="From whom", max_length=200, required=False,
                             help_text="LTFF, Open Philanthropy, …")


class EndorseForm(forms.Form):
    endorsement = forms.ChoiceField(label="Do you endorse them?", choices=Endorsement.choices,
                                    widget=forms.RadioSelect, error_messages={
                                        "required": "Choose whether you endorse them."})
    note = forms.CharField(label="Why", max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Only the organizers read this.", error_messages={
                               "required": "Say why, in a sentence or two: the organizers "
                                           "decide with it."})
