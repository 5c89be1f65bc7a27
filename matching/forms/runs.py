"""The form that starts a matching run: its program (one the organizer runs), threshold,
shared-area rule and the scorer's weights."""

from django import forms
from django.core.exceptions import ValidationError

from matching import scoring
from matching.models import Program
from matching.services.matching import DEFAULT_THRESHOLD


class RunStartForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    threshold = forms.FloatField(
        min_value=0, max_value=100, initial=DEFAULT_THRESHOLD,
        help_text="Pairs scoring below this (0–100) are never proposed, unless locked.",
    )
    require_shared_area = forms.BooleanField(
        label="Only pairs who share a research area", required=False, initial=True,
        help_text="Untick to let the scores alone decide (a lock always counts).",
    )

    def __init__(self, *args, programs, initial_weights: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # the organizer's own
        defaults = initial_weights or scoring.Weights().to_dict()
        for key, label in scoring.COMPONENTS:
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=label, min_value=0, max_value=100, initial=defaults.get(key, 0))

    # The page shows the form in two fieldsets (admin/_aligned_form.html).
    @property
    def run_fields(self):
        return [field for field in self if not field.name.startswith("weight_")]

    @property
    def weight_fields(self):
        return [field for field in self if field.name.startswith("weight_")]

    def clean(self):
        data = super().clean()
        try:
            data["weights"] = scoring.Weights.from_dict(
                {key: data[f"weight_{key}"] for key, _ in scoring.COMPONENTS
                 if data.get(f"weight_{key}") is not None}
            )
        except (ValueError, KeyError) as exc:
            raise ValidationError(str(exc)) from exc
        return data
