"""The payee's forms: bank details and a stipend request.

They check what was typed and say what is wrong at the field; the rules of the
workflow (the period inside the mentorship, no overlap, the bank details present) are
the services', whose refusals the views put back at the field.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError

from matching.forms.common import DateInput

from .banking import (
    Account,
    bic_for,
    compact,
    countries,
    country_name,
    has_iban,
    in_sepa,
    validate_account_number,
    validate_bic,
    validate_iban,
    validate_routing_code,
)
from .models import MAX_RATE, AccountKind, PayeeRole
from .services.stipends import (
    previous_justification,
    previous_request,
    role_of,
    stipend_request_problems,
    suggested_start,
    window,
)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def _mark_invalid(form) -> None:
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            # A group of choices gets is-invalid from its template (a second class
            # attribute on each choice would be invalid HTML).
            choices = getattr(widget, "input_type", "") in ("radio", "checkbox")
            if not choices and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"


class BankDetailsForm(forms.Form):
    """Where to pay: an IBAN (and BIC), or an account number and routing details."""

    holder_name = forms.CharField(
        label="Account holder", max_length=140,
        help_text="As your bank writes it.",
        error_messages={"required": "Enter the account holder's name, as your bank writes "
                                    "it.",
                        "max_length": "Keep the name under 140 characters."},
    )
    kind = forms.ChoiceField(
        label="Your account has",
        choices=[(AccountKind.IBAN, "An IBAN (Europe and about 80 other countries)"),
                 (AccountKind.ACCOUNT, "An account number, no IBAN (US, Canada, India…)")],
        initial=AccountKind.IBAN,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose IBAN or account number."},
    )
    iban = forms.CharField(
        label="IBAN", max_length=50, required=False,
        help_text="Spaces are fine.",
    )
    country = forms.ChoiceField(
        label="Country of the account", required=False,
        error_messages={"invalid_choice": "Pick the country from the list."},
    )
    account_number = forms.CharField(label="Account number", max_length=50, required=False)
    routing_code = forms.CharField(
        label="Routing code", max_length=30, required=False,
        help_text="ABA, transit, IFSC or BSB number; or give the SWIFT code instead.",
    )
    bic = forms.CharField(
        label="BIC / SWIFT code", max_length=20, required=False,
        help_text="Not needed for most IBANs: we fill it in.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "bank")
        super().__init__(*args, **kwargs)
        # Every country: someone who picks one with IBANs is told to use the IBAN.
        self.fields["country"].choices = [("", "Select the country")] + countries()
        for name in ("iban", "account_number", "routing_code", "bic"):
            self.fields[name].widget.attrs.update({
                "autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters",
                "class": "font-monospace",
            })
        self.fields["holder_name"].widget.attrs["autocomplete"] = "name"
        # Which fields are needed depends on the kind of account: the help texts say so,
        # rather than "(optional)" labels that would be right for one kind only.
        self.account: Account | None = None
        self.helper = _helper(
            "holder_name",
            Field("kind", wrapper_class="mm-kind"),
            Div("iban", css_class="mm-bank-group", data_kind="iban"),
            Div("country", "account_number", "routing_code", css_class="mm-bank-group",
                data_kind="account"),
            "bic",
        )

    def full_clean(self):
        super().full_clean()
        _mark_invalid(self)

    def clean_holder_name(self):
        name = " ".join(self.cleaned_data["holder_name"].split())
        if not name:
            raise ValidationError("Enter the account holder's name, as your bank writes it.")
        return name

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == AccountKind.IBAN:
            self._clean_iban(data)
        elif kind == AccountKind.ACCOUNT:
            self._clean_account(data)
        return data

    def _field(self, name, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            self.add_error(name, exc)
            return None

    def _clean_iban(self, data):
        iban = self._field("iban", validate_iban, data.get("iban", ""))
        bic_text = compact(data.get("bic", ""))
        bic = self._field("bic", validate_bic, bic_text) if bic_text else None
        if iban is None or (bic_text and bic is None):
            return
        bic_value = str(bic) if bic else bic_for(iban)
        if not bic_value and not in_sepa(iban.country_code):
            self.add_error("bic", "Enter your bank's BIC: we can't tell it from this IBAN, "
                                  "and a payment outside the euro zone needs it.")
            return
        if "holder_name" in data:
            self.account = Account(
                kind=AccountKind.IBAN, country=iban.country_code,
                holder_name=data["holder_name"], iban=str(iban.compact), bic=bic_value)

    def _clean_account(self, data):
        country = data.get("country", "")
        if "country" in self.errors:
            pass  # not one of the list's
        elif not country:
            self.add_error("country", "Pick the country where the account is.")
        elif has_iban(country):
            self.add_error("country", f"Accounts in {country_name(country)} have an IBAN: "
                                      "choose IBAN above and enter it.")
        number = self._field("account_number", validate_account_number,
                             data.get("account_number", ""))
        routing = self._field("routing_code", validate_routing_code,
                              data.get("routing_code", ""), country)
        bic_text = compact(data.get("bic", ""))
        bic = self._field("bic", validate_bic, bic_text,
                          label="SWIFT code") if bic_text else None
        if routing == "" and not bic_text:
            self.add_error("routing_code", "Enter the routing code or, below, the bank's "
                                           "SWIFT code: the bank needs one of them.")
        if self.errors or number is None or "holder_name" not in data:
            return
        self.account = Account(
            kind=AccountKind.ACCOUNT, country=country, holder_name=data["holder_name"],
            account_number=number, routing_code=routing or "", bic=str(bic) if bic else "")


class StipendRequestForm(forms.Form):
    period_start = forms.DateField(
        label="First day of the period", widget=DateInput(),
        error_messages={"required": "Enter the first day of the period.",
                        "invalid": "Enter a date like 2026-03-01."},
    )
    period_end = forms.DateField(
        label="Last day of the period", widget=DateInput(),
        error_messages={"required": "Enter the last day of the period.",
                        "invalid": "Enter a date like 2026-03-31."},
    )
    hours = forms.DecimalField(
        label="Hours worked", max_digits=6, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the hours you worked in this period.",
            "invalid": "Enter the hours as a number, like 12 or 7.5.",
            "max_decimal_places": "Use at most two decimals, like 7.25.",
            "max_digits": "That's far too many hours: check the number.",
            "max_whole_digits": "That's far too many hours: check the number.",
        },
    )
    rate = forms.DecimalField(
        label="Rate per hour", max_digits=8, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the rate per hour (the program's rate is filled in).",
            "invalid": "Enter the rate as a number, like 30 or 27.50.",
            "max_decimal_places": "Use at most two decimals (cents).",
            "max_digits": f"The rate can be at most {MAX_RATE:g} an hour.",
            "max_whole_digits": f"The rate can be at most {MAX_RATE:g} an hour.",
        },
    )
    justification = forms.CharField(
        label="Why you need it", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence is enough. Only organizers and payments officers read it.",
        error_messages={"required": "Say in a sentence why the stipend helps you: the bar "
                                    "is low.",
                        "max_length": "Please keep this under 1,000 characters."},
    )

    def chosen_period(self):
        """The period the form shows (what was typed, if it parses; else the suggestion),
        so the page lists that period's meetings without JavaScript too."""
        if self.is_bound:
            data = getattr(self, "cleaned_data", {})
            return data.get("period_start"), data.get("period_end")
        return self.initial.get("period_start"), self.initial.get("period_end")

    def __init__(self, *args, mentorship, payee, **kwargs):
        self.mentorship, self.payee = mentorship, payee
        program = mentorship.program
        rate = program.stipend_rate_for(role_of(payee, mentorship) or PayeeRole.MENTEE)
        first, last = window(mentorship)
        self.repeat = False
        if not args and "data" not in kwargs:
            previous = previous_request(mentorship, payee)
            # A repeat request starts from the last one: the period after it, the same
            # hours and reason (checked at a glance, changed if they differ).
            self.repeat = bool(previous)
            kwargs.setdefault("initial", {
                "period_start": suggested_start(mentorship, payee),
                "period_end": last,
                "hours": previous.get("hours"),
                "rate": rate,
                "justification": previous_justification(mentorship, payee, previous),
            })
        super().__init__(*args, **kwargs)
        for name in ("period_start", "period_end"):
            self.fields[name].widget.attrs.update({"min": first.isoformat(),
                                                   "max": last.isoformat()})
        currency = program.currency
        self.fields["rate"].label = f"Rate per hour ({currency})"
        # No help for the rate: the page says it above, and a mentee reads this page
        # monthly. The hours' help only the first time (a repeat shows last month's).
        self.fields["hours"].help_text = "" if self.repeat else (
            "Your own work, meetings included." + (
                f" You agreed about {mentorship.hours_per_week} h a week."
                if mentorship.hours_per_week else ""))
        if self.initial.get("justification"):
            # Filled in from the application or the last request: nothing to write.
            self.fields["justification"].help_text = "" if self.repeat else (
                "Only organizers and payments officers read it.")
        self.fields["hours"].widget.attrs["aria-describedby"] = "stipend-amount"
        self.helper = _helper(
            Div(Div("period_start", css_class="col-sm-6"),
                Div("period_end", css_class="col-sm-6"), css_class="row"),
            HTML('{% include "payments/_period_meetings.html" %}'),
            Div(Div("hours", css_class="col-sm-6"), Div("rate", css_class="col-sm-6"),
                css_class="row"),
            HTML('<p class="mm-amount lead" id="stipend-amount" aria-live="polite"></p>'),
            "justification",
        )

    def full_clean(self):
        super().full_clean()
        _mark_invalid(self)

    def add_error(self, field, error):
        super().add_error(field, error)
        if self._errors is not None:
            _mark_invalid(self)

    def clean_justification(self):
        text = self.cleaned_data["justification"].strip()
        if not text:
            raise ValidationError("Say in a sentence why the stipend helps you: the bar is "
                                  "low.")
        return text

    def clean(self):
        """The request's rules are the service's: asked here, so that every problem shows
        at its field at once, with the bank details' (``submit`` asks again, locked)."""
        data = super().clean()
        values = [data.get(name) for name in ("period_start", "period_end", "hours", "rate")]
        if None not in values:
            start, end, hours, rate = values
            problems = stipend_request_problems(
                mentorship=self.mentorship, payee=self.payee, period_start=start,
                period_end=end, hours=hours, rate=rate)
            for field, errors in problems.items():
                for error in errors:
                    self.add_error(field, error)
        return data
