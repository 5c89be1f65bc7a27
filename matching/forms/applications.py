"""The interest forms (mentee and mentor) and the organizers' decision form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils.functional import cached_property
from django.utils.html import format_html

from matching.forms.common import (
    HONEYPOT_FIELD,
    FoldedFieldset,
    SafeModelMultipleChoiceField,
    https_urls,
    max_length_message,
)
from matching.models import (
    MIN_MINUTES_PER_MENTEE,
    MINUTES_PER_MENTEE,
    ApplicationStatus,
    MenteeApplication,
    Mentor,
    MentorApplication,
    RedirectTarget,
    ResearchArea,
)
from matching.models.applications import DECISION_ACTIONS
from mm_program.form_fields import TimezoneField


class ApplicationForm(forms.ModelForm):
    """What both interest forms share: plain-words errors, optional fields marked, a
    honeypot for bots, a time zone list that defaults to the browser's."""

    timezone = TimezoneField(label="Your time zone")
    research_areas = SafeModelMultipleChoiceField(
        queryset=ResearchArea.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one area."},
    )
    # Hidden from people by CSS and from screen readers; bots fill it in.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    submit_label = "Send application"
    research_areas_label = "Research areas"
    # Browser-side bounds for number inputs (the server checks them too); the model
    # fields' own minimum of 0 would otherwise end up in the HTML.
    number_bounds: dict[str, tuple[int, int]] = {}
    # Optional fields whose "(optional)" is said once for them all (their fieldset's
    # legend) or would be wrong (needed when a box is ticked).
    unmarked: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["research_areas"].label = self.research_areas_label
        for name, (low, high) in self.number_bounds.items():
            self.fields[name].widget.attrs.update({"min": low, "max": high})
        for name, field in self.fields.items():
            if name == HONEYPOT_FIELD or name in self.unmarked:
                continue
            # A checkbox is a choice either way: "(optional)" would only add a word.
            if (not field.required and field.label and "(optional)" not in str(field.label)
                    and not isinstance(field.widget, forms.CheckboxInput)):
                field.label = format_html("{} <span class='text-body-secondary fw-normal'>"
                                          "(optional)</span>", field.label)
            max_length = getattr(field, "max_length", None)
            if max_length and isinstance(field.widget, forms.Textarea):
                field.error_messages["max_length"] = max_length_message(max_length)
                field.widget.attrs["rows"] = 3
            elif max_length:
                field.error_messages["max_length"] = (
                    f"Please keep this under {max_length:,} characters "
                    "(it has %(show_value)s now).")
        self.fields["email"].error_messages["invalid"] = (
            "That doesn't look like an email address: check for a typo (name@example.org)."
        )

    @cached_property
    def helper(self) -> FormHelper:
        """crispy's layout, built when the form is shown (blank, or refused with its
        errors): a post that is saved never needs it."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the page's <form> carries the token
        helper.layout = self.build_layout()
        return helper

    has_listed_mentors = False

    def build_layout(self) -> Layout:
        raise NotImplementedError

    @classmethod
    def blank_render_key(cls, program) -> tuple:
        """Everything the unbound form's HTML depends on besides the code: equal keys,
        equal HTML. Subclasses add what else they read from the database."""
        return (
            cls.__name__,
            tuple(getattr(program, f.attname) for f in type(program)._meta.concrete_fields)
            if program else None,
            tuple(ResearchArea.objects.filter(is_active=True).values_list("pk", "name")),
        )

    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please tell us your name.")
        return name

    @staticmethod
    def honeypot_div():
        return Div(HONEYPOT_FIELD, css_class="mm-hp", aria_hidden="true")


# Why a stipend, picked in one click (the bar is low) or said in one's own words: the
# picked reason is saved as its words, so the stipend requests start from it.
FUNDING_NEEDS = {
    "paid_work": "I'd otherwise need paid work in these hours",
    "afford": "I can't afford the time unpaid",
}


class MenteeApplicationForm(ApplicationForm):
    research_areas_label = "Research areas you're interested in"
    number_bounds = {"hours_per_week": (1, 80)}
    unmarked = ("funding_need", "funding_reason", "cv_url", "github_url", "writing_url",
                "heard_about")
    courses_done = forms.MultipleChoiceField(
        label="Courses done",
        choices=MenteeApplication.Course.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    funding_need = forms.ChoiceField(
        label="If so, why?", required=False, widget=forms.RadioSelect,
        choices=[*FUNDING_NEEDS.items(), ("other", "Another reason, below")],
    )

    class Meta:
        model = MenteeApplication
        formfield_callback = https_urls
        fields = [
            "name", "email", "timezone", "occupation", "field_of_study",
            "research_areas", "research_interests", "goals", "key_uncertainties",
            "hours_per_week", "fulltime_intent", "courses_done",
            "needs_funding", "funding_reason",
            "cv_url", "github_url", "writing_url", "heard_about",
            "preferred_involvement", "preferred_control", "preferred_mentors", "conflicts",
        ]
        labels = {
            "name": "Your name",
            "email": "Email",
            "occupation": "What do you do now?",
            "goals": "What do you want to get out of a mentorship?",
            "research_interests": "More specific interests",
            "key_uncertainties": "Your key uncertainties about working in AI safety",
            "hours_per_week": "Hours per week you can commit",
            "fulltime_intent": "Do you intend to work full-time in AI safety within about "
            "two years?",
            "funding_reason": "In your words",
        }
        # Every word here is read by every applicant (issue 18 counts them): only what
        # the label doesn't already say.
        help_texts = {
            "field_of_study": "",
            "goals": "",
            "needs_funding": "Unpaid by default; we fund whoever needs it.",
            "conflicts": "People you shouldn't be matched with, one per line.",
            "heard_about": "",
        }
        widgets = {
            "occupation": forms.RadioSelect,
            "fulltime_intent": forms.RadioSelect,
            "goals": forms.Textarea(attrs={"rows": 3}),
            "preferred_involvement": forms.RadioSelect,
            "preferred_control": forms.RadioSelect,
            "preferred_mentors": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, program=None, **kwargs):
        self.program = program
        # Mentors who chose to be listed on this form; the question is left out (from
        # the layout, built when the form is shown) when there are none.
        self.listed_mentors = _listed_mentors(program).select_related("user", "application")
        super().__init__(*args, **kwargs)
        min_hours = program.min_hours_per_week if program else 5
        # The page says up front what under the minimum means (templates/matching/apply.html).
        self.fields["hours_per_week"].help_text = f"Under {min_hours}? You can still apply."
        self.fields["hours_per_week"].error_messages.update(
            {
                "min_value": "Enter at least 1 hour a week.",
                "max_value": "That's more than 80 hours a week: enter what you can "
                "really commit next to your other work.",
                "invalid": "Enter a whole number of hours, for example 6.",
            }
        )
        self.fields["occupation"].choices = MenteeApplication.Occupation.choices
        # The question already says "within about two years".
        self.fields["fulltime_intent"].choices = [
            (value, "Yes" if value == MenteeApplication.FullTimeIntent.YES else label)
            for value, label in MenteeApplication.FullTimeIntent.choices]
        for name in ("preferred_involvement", "preferred_control"):
            field = self.fields[name]
            field.choices = [("", "No preference")] + [c for c in field.choices if c[0]]
        mentors = self.fields["preferred_mentors"]
        mentors.queryset = self.listed_mentors
        mentors.label_from_instance = _mentor_choice_label
        mentors.help_text = "Only if someone stands out."

    @cached_property
    def has_listed_mentors(self) -> bool:
        """Asked by the layout only: a post that is saved doesn't query it."""
        return self.listed_mentors.exists()

    @classmethod
    def blank_render_key(cls, program) -> tuple:
        # The listed mentors, with every field their choice label shows.
        return (*super().blank_render_key(program), tuple(_listed_mentors(program).values_list(
            "pk", "user__name", *(f"application__{name}" for name in MENTOR_LABEL_FIELDS))))

    def build_layout(self) -> Layout:
        return Layout(
            Fieldset("About you", "name", "email", "timezone", "occupation",
                     "field_of_study"),
            Fieldset("Your interests", "research_areas", "research_interests", "goals",
                     "key_uncertainties"),
            Fieldset("Commitment", "hours_per_week", "fulltime_intent", "courses_done"),
            Fieldset("Funding", "needs_funding", "funding_need", "funding_reason"),
            # All optional, and the longest part of the page (each listed mentor with
            # their style): one line to read for whoever has no preference.
            FoldedFieldset(format_html(
                "Your mentor <span class='text-body-secondary fw-normal'>(optional): {}"
                "</span>", "style, whom you'd like, conflicts" if self.has_listed_mentors
                else "style, conflicts"),
                "preferred_involvement", "preferred_control",
                *(["preferred_mentors"] if self.has_listed_mentors else []),
                "conflicts"),
            Fieldset(format_html("{} <span class='text-body-secondary fw-normal'>"
                                 "(optional)</span>", "Links"),
                     "cv_url", "github_url", "writing_url", "heard_about"),
            self.honeypot_div(),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )

    def clean(self):
        cleaned = super().clean()
        reason = (cleaned.get("funding_reason") or "").strip()
        picked = FUNDING_NEEDS.get(cleaned.get("funding_need") or "")
        if cleaned.get("needs_funding") and picked:
            cleaned["funding_reason"] = f"{picked}. {reason}" if reason else picked
        elif cleaned.get("needs_funding") and not reason:
            self.add_error(
                "funding_reason",
                "Pick why you need funding, or say it in a sentence (for example: I'd "
                "otherwise need a second job). The bar is low.",
            )
        return cleaned


class MentorApplicationForm(ApplicationForm):
    research_areas_label = "Areas you can mentor in"
    number_bounds = {"capacity": (1, 20), "minutes_per_week": (10, 1200)}
    excluded_stages = forms.MultipleChoiceField(
        label="Career stages you would rather not mentor",
        choices=MenteeApplication.Occupation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to mentor anyone.",
    )

    class Meta:
        model = MentorApplication
        formfield_callback = https_urls
        fields = [
            "name", "email", "timezone", "position", "organization",
            "research_areas", "expertise",
            "capacity", "minutes_per_week", "involvement", "creative_control", "style_notes",
            "wants_paid", "profile_url", "heard_about",
            "excluded_stages", "conflicts", "listed_for_applicants",
        ]
        labels = {
            "name": "Your name",
            "email": "Email",
        }
        help_texts = {
            "capacity": "Your own cap. You can change it later.",
            "minutes_per_week": f"{MINUTES_PER_MENTEE} minutes a week per mentee is enough.",
            "style_notes": "Helps applicants judge personal fit.",
            "wants_paid": "Most mentors volunteer; we can pay you if you prefer.",
            "heard_about": "",
        }
        widgets = {
            "position": forms.RadioSelect,
            "involvement": forms.RadioSelect,
            "creative_control": forms.RadioSelect,
        }

    def __init__(self, *args, program=None, **kwargs):
        self.program = program
        super().__init__(*args, **kwargs)
        self.fields["capacity"].error_messages.update(
            {
                "min_value": "Take at least one mentee.",
                "max_value": "Up to 20 mentees at once: above that, talk to us first.",
                "invalid": "Enter a whole number, for example 2.",
            }
        )
        self.fields["minutes_per_week"].error_messages.update(
            {
                "min_value": "At least 10 minutes a week.",
                "max_value": "That's more than 20 hours a week: enter what you can "
                "really give.",
                "invalid": "Enter a whole number of minutes, for example 60.",
            }
        )
        for name, model_field in (
            ("position", MentorApplication.Position),
            ("involvement", MentorApplication.Involvement),
            ("creative_control", MentorApplication.CreativeControl),
        ):
            self.fields[name].choices = model_field.choices

    def build_layout(self) -> Layout:
        return Layout(
            Fieldset("About you", "name", "email", "timezone", "position", "organization"),
            Fieldset("Expertise", "research_areas", "expertise"),
            Fieldset(
                "Time and style",
                "capacity",
                "minutes_per_week",
                "involvement",
                "creative_control",
                "style_notes",
            ),
            Fieldset("Who you mentor", "excluded_stages", "conflicts",
                     "listed_for_applicants"),
            Fieldset("Other", "wants_paid", "profile_url", "heard_about"),
            self.honeypot_div(),
            Submit("submit", self.submit_label, css_class="btn-lg"),
        )

    def clean(self):
        cleaned = super().clean()
        capacity, minutes = cleaned.get("capacity"), cleaned.get("minutes_per_week")
        # Out-of-range values get their own message from the field; only judge the ratio.
        if capacity and minutes and 10 <= minutes < MIN_MINUTES_PER_MENTEE * capacity:
            self.add_error(
                "minutes_per_week",
                f"{capacity} mentees need at least {MIN_MINUTES_PER_MENTEE * capacity} "
                f"minutes a week, and about {MINUTES_PER_MENTEE * capacity} works best "
                f"({MINUTES_PER_MENTEE} per mentee); {minutes} is too little. Lower the "
                "number of mentees or raise the time.",
            )
        return cleaned


def _listed_mentors(program):
    if program is None:
        return Mentor.objects.none()
    return Mentor.objects.filter(program=program, is_active=True,
                                 application__listed_for_applicants=True)


# What a listed mentor's choice on the mentee form shows, besides their account's name.
MENTOR_LABEL_FIELDS = ("name", "position", "organization", "involvement")


def _mentor_choice_label(mentor: Mentor) -> str:
    """Name, position, where, and their style in a word or two ("Hands-on"): enough to
    spot someone, short enough to read a long list."""
    app = mentor.application
    parts = [mentor.user.name or app.name, app.get_position_display()]
    if app.organization:
        parts.append(app.organization)
    return f"{' · '.join(parts)} — {app.get_involvement_display().split(':')[0]}"


class RedirectTargetChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Several programs' lists side by side (a batch across programs) say whose.
        return f"{obj.name} ({obj.program.name})" if self.several_programs else obj.name


class DecisionForm(forms.Form):
    """The organizer's decision on one or more applications (admin). `programs` are the
    applications' programs: the redirect choices are their lists."""

    decision = forms.ChoiceField(choices=list(DECISION_ACTIONS.items()),
                                 widget=forms.RadioSelect)
    redirect_to = RedirectTargetChoice(
        queryset=RedirectTarget.objects.none(), required=False, empty_label="—",
        label="Redirect to",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=3000,
        label="Personal message to the applicant",
        help_text="Included in the decision email. Private notes go in 'Organizer notes'.",
    )

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["redirect_to"]
        field.queryset = (RedirectTarget.objects.filter(program__in=programs, is_active=True)
                          .select_related("program"))
        field.several_programs = len({p.pk for p in programs}) > 1
        self.programs = programs

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ApplicationStatus.REDIRECTED and not cleaned.get(
            "redirect_to"
        ):
            if self.fields["redirect_to"].queryset.exists():
                self.add_error("redirect_to", "Pick the program that fits them better.")
            else:
                names = ", ".join(p.name for p in self.programs)
                self.add_error("redirect_to", f"{names} has no programs to redirect to yet: "
                               "add them on the program's page, under Redirect targets.")
        return cleaned
