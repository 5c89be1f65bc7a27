"""Surveys: one generic model set for every survey stage.

A ``SurveyTemplate`` (kind, program or the default for all programs, version) is a list of
``Question`` rows, each with a stable ``key`` that the impact dashboard reads. An
``Invitation`` asks one person to answer one template about one mentorship, through a
signed link; their ``Response`` holds one ``Answer`` per question, saved as they go.

A template that already has responses is never edited in place: the admin saves a change
as a new version (``surveys.services.survey_template_version``), and old responses keep
pointing at the version (and the questions) they answered.

What a question's type means (validation, storage, widget, reporting) is its class in
``surveys.question_types``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from matching.models import Mentor, Mentorship, Program

from . import named_figures, question_types


class SurveyKind(models.TextChoices):
    MENTEE_BASELINE = "mentee_baseline", "Mentee baseline (at the start)"
    MENTEE_FINAL = "mentee_final", "Mentee final survey"
    MENTOR_FINAL = "mentor_final", "Mentor final survey"
    MENTEE_EXIT = "mentee_exit", "Mentee exit survey (ended early)"
    MENTOR_EXIT = "mentor_exit", "Mentor exit survey (ended early)"
    MENTEE_FOLLOWUP = "mentee_followup", "Alumni follow-up (months after the end)"


# Who answers each kind.
MENTEE_KINDS = (SurveyKind.MENTEE_BASELINE, SurveyKind.MENTEE_FINAL, SurveyKind.MENTEE_EXIT,
                SurveyKind.MENTEE_FOLLOWUP)
FINAL_KINDS = (SurveyKind.MENTEE_FINAL, SurveyKind.MENTOR_FINAL)
EXIT_KINDS = (SurveyKind.MENTEE_EXIT, SurveyKind.MENTOR_EXIT)
# The surveys at the end of a mentorship: the finals when it completed, the exits when it
# ended early. The dashboard reads them as one group or apart.
END_KINDS = FINAL_KINDS + EXIT_KINDS


# The registered types as constants (QuestionType.LONG_TEXT == "long_text"), for code and
# queries that name one.
QuestionType = models.TextChoices(
    "QuestionType", [(t.name.upper(), (t.name, t.label)) for t in question_types.all_types()])

# The types whose answers are a person's own words (the privacy erasure clears them).
TEXT_TYPES = question_types.names_where(free_text=True)


class SurveyTemplateQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class SurveyTemplate(models.Model):
    kind = models.CharField(max_length=16, choices=SurveyKind.choices)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Empty: the default for every program without a template of its own.",
    )
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    is_current = models.BooleanField(
        "in use", default=True,
        help_text="New invitations use the current version; older versions keep their "
                  "answers.",
    )
    title = models.CharField(max_length=120)
    intro = models.TextField(
        max_length=1000, blank=True,
        help_text="A sentence or two at the top of the survey page.",
    )
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyTemplateQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "program__name", "-version"]
        verbose_name = "survey template"
        constraints = [
            models.UniqueConstraint(
                "kind", Coalesce("program", Value(0)), "version",
                name="survey_template_one_per_version",
            ),
            models.UniqueConstraint(
                "kind", Coalesce("program", Value(0)), condition=Q(is_current=True),
                name="survey_template_one_current",
            ),
        ]

    def __str__(self):
        scope = self.program.name if self.program_id else "all programs"
        return f"{self.title} (v{self.version}, {scope})"

    def get_constraints(self):
        """Validation leaves out "one current per kind and program": saving a current
        template retires the others (the admin does), so it is no error to report."""
        return [(cls, [c for c in constraints if c.name != "survey_template_one_current"])
                for cls, constraints in super().get_constraints()]

    @property
    def respondent_role(self) -> str:
        return "mentee" if self.kind in MENTEE_KINDS else "mentor"

    def has_responses(self) -> bool:
        return Response.objects.filter(template=self).exists()


class Question(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE,
                                 related_name="questions")
    key = models.SlugField(
        max_length=40,
        help_text="A stable name the impact dashboard reads (delta_p_fulltime, "
                  "months_saved, recommend, worth_it, …). Keep it when you reword a question.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("question", max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    # A callable: registering a new type in surveys.question_types needs no migration.
    type = models.CharField(max_length=20, choices=question_types.choices)
    required = models.BooleanField(default=True)
    choices = models.TextField(
        blank=True,
        help_text="Choice questions only: one per line, as “value | Label” (the value is "
                  "what the dashboard counts).",
    )
    low_label = models.CharField(max_length=80, blank=True,
                                 help_text="Scales: what the lowest number means.")
    high_label = models.CharField(max_length=80, blank=True,
                                  help_text="Scales: what the highest number means.")
    min_value = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True,
        help_text="Numbers only: overrides the type's lowest accepted value.",
    )
    max_value = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True,
        help_text="Numbers only: overrides the type's highest accepted value.",
    )
    # A callable, like ``type``: a new named figure needs no migration.
    figure = models.CharField(
        "feeds the figure", max_length=40, blank=True, choices=named_figures.choices,
        help_text="A standard panel of the impact dashboard this question's answers count "
                  "in (e.g. “Mentee's rating of their mentor”). Every question is also "
                  "reported on its own, by its type.",
    )
    short_label = models.CharField(
        max_length=60, blank=True,
        help_text="A few words for charts and tables (the question's text if empty).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="question_key_once"),
        ]

    def __str__(self):
        return self.text

    def choice_list(self) -> list[tuple[str, str]]:
        """[(value, label)] from the one-per-line text."""
        return question_types.parse_choices(self.choices)

    @property
    def label(self) -> str:
        return self.short_label or self.text

    def clean(self):
        """A question attached to a figure must be of a kind the figure can read."""
        super().clean()
        if not self.figure or not self.type:
            return
        try:
            question_types.get(self.type)
        except question_types.UnknownQuestionType:
            return  # the type field reports it
        respondent = self.template.respondent_role if self.template_id else "mentee"
        found = named_figures.problems(
            figure_name=self.figure, type_name=self.type,
            choice_values=[value for value, _ in self.choice_list()], respondent=respondent)
        if found:
            raise ValidationError({"figure": found})


class Invitation(models.Model):
    """One person asked to answer one survey about one mentorship, through a signed link.

    The link carries the invitation's id and ``nonce`` (``surveys.tokens``): issuing a new
    nonce makes every earlier link useless. One invitation per mentorship and kind, so a
    signal that fires twice invites once.
    """

    kind = models.CharField(max_length=16, choices=SurveyKind.choices)
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT,
                                 related_name="invitations")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE,
                                   related_name="survey_invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="survey_invitations")
    nonce = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    months_after = models.PositiveSmallIntegerField(
        default=0, help_text="Alumni follow-ups: months after the mentorship ended (0 for "
                             "the other surveys).")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "kind", "months_after"],
                                    name="invitation_once_per_occasion"),
        ]
        indexes = [models.Index(fields=["kind", "sent_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_followup(self) -> bool:
        return self.kind == SurveyKind.MENTEE_FOLLOWUP

    @property
    def is_exit(self) -> bool:
        return self.kind in EXIT_KINDS


def _parse_months(text: str) -> list[int]:
    values = []
    for part in str(text).replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 120:
            raise ValidationError(
                f"“{part}” is not a number of months from 1 to 120: write them like “6, 12”.",
                code="months")
        values.append(int(part))
    return sorted(set(values))


class ProgramOutcomes(models.Model):
    """What a program measures after its mentorships end: when alumni are asked where
    they are (months after the end), and the share funded or hired it aims for. A program
    without a row uses the defaults (6 and 12 months; the M&M pilot's goal, 80%)."""

    DEFAULT_MONTHS = (6, 12)
    DEFAULT_GOAL = 80

    program = models.OneToOneField(Program, on_delete=models.CASCADE,
                                   related_name="outcome_settings")
    followup_months = models.CharField(
        "follow-ups, months after the end", max_length=60, default="6, 12",
        validators=[_parse_months],
        help_text="Comma-separated, e.g. “6, 12” or “3, 6, 12, 24”. Each ended mentorship's "
                  "mentee gets one follow-up survey at each.",
    )
    goal_funded_or_hired = models.PositiveSmallIntegerField(
        "goal: % funded or hired", default=DEFAULT_GOAL,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The share of alumni the program aims to see funded or hired (the M&M "
                  "pilot: more than 80%).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "program outcome settings"
        verbose_name_plural = "program outcome settings"

    def __str__(self):
        return f"Outcomes of {self.program}"

    @property
    def months(self) -> list[int]:
        return _parse_months(self.followup_months)

    @classmethod
    def for_programs(cls, program_ids=None) -> dict[int, tuple[list[int], int]]:
        """{program id: (follow-up months, goal %)} for the programs that have a row."""
        rows = cls.objects.all()
        if program_ids is not None:
            rows = rows.filter(program_id__in=list(program_ids))
        return {row.program_id: (row.months, row.goal_funded_or_hired) for row in rows}


class Response(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE,
                                      related_name="response")
    # The version answered: the invitation's template when the first answer was saved.
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT,
                                 related_name="responses")
    # The mentorship's program and mentor, copied when the response is created (see
    # save()). The impact figures group every answer by them: joining 300,000
    # answers through their invitation to the mentorship took most of the dashboard's time.
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+",
                                editable=False)
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="+",
                               editable=False)
    # The invitation's months after the end (a follow-up's offset; 0 for the others),
    # copied with them: the per-mentor figures count each follow-up apart.
    months_after = models.PositiveSmallIntegerField(editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        state = "submitted" if self.submitted_at else "in progress"
        return f"Response to {self.invitation} ({state})"

    def save(self, *args, **kwargs):
        # A mentorship's program and mentor never change (its form leaves them read-only,
        # no service moves them), nor an invitation's offset, so the copies stay true.
        # Bulk writers copy them too.
        if self._state.adding:
            mentorship = self.invitation.mentorship
            self.program_id, self.mentor_id = mentorship.program_id, mentorship.mentor_id
            self.months_after = self.invitation.months_after
        super().save(*args, **kwargs)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One answer, in the field its question's type stores it in: ``number``, ``text`` or
    ``choices`` (a list of choice values)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
        ]
        indexes = [models.Index(fields=["question", "number"])]

    def __str__(self):
        return f"{self.question.key}: {self.display()}"

    def display(self) -> str:
        """The answer as text: the admin and a person's data export show it."""
        return question_types.of(self.question).as_text(self)
