"""What surveys hold about a person, for the ground's privacy duties
(``mm_program.privacy.hooks``): their own answers in the export; on erasure, their
free-text answers and the mentor's free text about them as a mentee (numbers and choices
stay, anonymous, for the figures), and their name out of others' answers in their
mentorships. Registered on import, from ``SurveysConfig.ready()``."""

import secrets

from django.db.models import Q

from matching.models import Mentorship
from mm_program.models import User
from mm_program.privacy.hooks import Erasing, ErasurePlan, PrivacyHooks, register, when
from mm_program.privacy.scrub import clear, scrub_rows
from mm_program.privacy.services import plural

from .models import TEXT_TYPES, Answer, Invitation


@register
class SurveyPrivacy(PrivacyHooks):
    def export(self, user: User) -> dict:
        # The person's own invitations only: the other side's answers about them are not
        # theirs (a mentor's ratings of their mentee are the mentor's).
        invitations = (
            Invitation.objects.filter(person=user, response__isnull=False)
            .select_related("response", "mentorship__program")
            .prefetch_related("response__answers__question").order_by("created_at", "pk")
        )
        return {"survey_answers": [{
            "survey": invitation.get_kind_display(),
            "program": invitation.mentorship.program.name,
            "submitted_at": when(invitation.response.submitted_at),
            "answers": [{"question": a.question.text, "answer": a.display()}
                        for a in sorted(invitation.response.answers.all(),
                                        key=lambda a: (a.question.order, a.question.pk))],
        } for invitation in invitations]}

    def plan(self, user: User, plan: ErasurePlan) -> None:
        responses = Invitation.objects.filter(person=user, response__isnull=False).count()
        if responses:
            plan.steps.append(
                f"{plural(responses, 'survey response')}: free-text answers are cleared; "
                "numbers and choices stay, anonymous, in the impact figures.")

    def erase(self, erasing: Erasing) -> dict[str, int]:
        """Their links stop working, too (a new nonce retires every earlier link)."""
        user = erasing.user
        about_them = (Q(response__invitation__person=user)
                      | Q(response__invitation__mentorship__mentee__user=user))
        cleared = clear(Answer, about_them & Q(question__type__in=TEXT_TYPES) & ~Q(text=""),
                        text="")
        for pk in Invitation.objects.filter(person=user).values_list("pk", flat=True):
            clear(Invitation, [pk], nonce=secrets.token_hex(16))
        return {"survey_answers": cleared}

    def scrub_texts_by_others(self, erasing: Erasing) -> int:
        ids = list(Mentorship.objects.of_person(erasing.user).values_list("pk", flat=True))
        if not ids:
            return 0
        answers = Answer.objects.filter(response__invitation__mentorship__in=ids,
                                        question__type__in=TEXT_TYPES)
        return sum(scrub_rows(answers, ["text"], pattern, found)
                   for found, pattern in ((erasing.found, erasing.pattern),
                                          (erasing.first, erasing.first_pattern)))

    def keeps(self, user: User, *, ignoring=None) -> bool:
        return user.survey_invitations.exists()
