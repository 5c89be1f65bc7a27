"""The status moves of a mentorship in the organizer area (``mm_program.admin_moves``):
Pause, Resume, End early…, Complete… and Withdraw, each through its service."""

from django import forms
from django.utils import timezone

from matching.models import EndReason, MentorshipStatus, NextStep, validate_next_steps
from matching.services.mentorships import (
    invitation_decline,
    mentorship_complete,
    mentorship_end_early,
    mentorship_pause,
    mentorship_resume,
)
from mm_program.admin_moves import Move


class EndEarlyForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "—")] + EndReason.chosen(), label="Why did it end early?",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                            max_length=2000)
    ended_on = forms.DateField(initial=timezone.localdate, label="Ended on",
                               widget=forms.DateInput(attrs={"type": "date"}))


class CompleteForm(forms.Form):
    next_steps = forms.MultipleChoiceField(
        choices=NextStep.choices, widget=forms.CheckboxSelectMultiple, required=False,
        label="What will the mentee apply to next?",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                            max_length=2000, label="Notes from the final call")
    ended_on = forms.DateField(initial=timezone.localdate, label="Ended on",
                               widget=forms.DateInput(attrs={"type": "date"}))

    def clean_next_steps(self):
        return validate_next_steps(self.cleaned_data["next_steps"])


def _offered(to: str, *only_from: str):
    """A move a mentorship can take: its status allows it (``TRANSITIONS``), and it is one
    of `only_from` when given (resume only a paused one, withdraw only an invitation)."""
    return lambda m: (not only_from or m.status in only_from) and m.can_move_to(to)


MOVES = {
    "pause": Move("Pause", "paused", to=MentorshipStatus.PAUSED,
                  run=lambda m, by, data: mentorship_pause(mentorship=m),
                  offered=_offered(MentorshipStatus.PAUSED)),
    "resume": Move("Resume", "resumed", to=MentorshipStatus.ACTIVE,
                   run=lambda m, by, data: mentorship_resume(mentorship=m),
                   offered=_offered(MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)),
    "end_early": Move(
        "End early…", "ended early", to=MentorshipStatus.ENDED_EARLY,
        run=lambda m, by, data: mentorship_end_early(
            mentorship=m, reason=data["reason"], notes=data["notes"],
            ended_on=data["ended_on"]),
        form=EndEarlyForm, offered=_offered(MentorshipStatus.ENDED_EARLY)),
    "complete": Move(
        "Complete…", "completed", to=MentorshipStatus.COMPLETED,
        run=lambda m, by, data: mentorship_complete(
            mentorship=m, next_steps=data["next_steps"], notes=data["notes"],
            ended_on=data["ended_on"]),
        form=CompleteForm, offered=_offered(MentorshipStatus.COMPLETED)),
    "withdraw": Move("Withdraw invitation", "withdrawn", to=MentorshipStatus.DECLINED,
                     run=lambda m, by, data: invitation_decline(mentorship=m),
                     offered=_offered(MentorshipStatus.DECLINED, MentorshipStatus.INVITED)),
}
