"""Forms of a cohort program's selection: the mentor's listing, the applicant's choices and
answers, the reviews, and the organizers' slots. Each asks the services' rules
(``matching.services.cohort_*``) rather than repeating them."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from matching.models import Decision, MentorQuestion
from matching.models.cohort import ANSWER_MAX, TEXT_MAX
from matching.services.cohort_selection import MAX_QUESTIONS, ChoiceInput, choices_problems

UPLOAD_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_SUFFIXES = (".pdf", ".txt", ".md", ".ipynb", ".py", ".zip", ".docx", ".odt")


def check_upload(upload) -> None:
    """An upload small enough and of a kind a reviewer can open."""
    if upload is None:
        return
    if upload.size > UPLOAD_MAX_BYTES:
        raise ValidationError(f"The file is {upload.size / 1_048_576:.1f} MB: at most "
                              f"{UPLOAD_MAX_BYTES // 1_048_576} MB, please (or give a link).")
    if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise ValidationError("Upload a " + ", ".join(UPLOAD_SUFFIXES) + " file, or give a "
                              "link instead.")


class ListingForm(forms.Form):
    agenda = forms.CharField(label="Your research agenda", max_length=TEXT_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    style = forms.CharField(label="How you mentor", max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Hands-on or high-level, who sets the direction, how "
                                      "often you meet.")
    task = forms.CharField(label="Selection task (optional)", max_length=TEXT_MAX,
                           required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="What applicants who choose you should do first.")
    task_url = forms.URLField(label="Task link (optional)", max_length=500, required=False,
                              assume_scheme="https")
    task_file = forms.FileField(label="Task file (optional)", required=False,
                                help_text=f"At most {UPLOAD_MAX_BYTES // 1_048_576} MB.")
    remove_task_file = forms.BooleanField(label="Remove the current file", required=False)

    def __init__(self, *args, questions: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        questions = questions or []
        for number in range(1, MAX_QUESTIONS + 1):
            self.fields[f"question_{number}"] = forms.CharField(
                label=f"Your question {number}", max_length=500, required=False,
                initial=questions[number - 1] if number <= len(questions) else "")

    def clean_task_file(self):
        upload = self.cleaned_data.get("task_file")
        check_upload(upload)
        return upload

    @property
    def questions(self) -> list[str]:
        return [self.cleaned_data.get(f"question_{n}", "") for n in range(1, MAX_QUESTIONS + 1)]


class ChoicesForm(forms.Form):
    """Up to N mentors in order, and the answers to the chosen mentors' questions only.

    Every listed mentor's questions are fields (the page shows those of the mentors chosen,
    app.js hides the others); answers to mentors not chosen are ignored."""

    def __init__(self, *args, application, mentors, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application, self.mentors = application, {m.pk: m for m in mentors}
        cohort = application.program.cohort
        options = [("", "—")] + [(str(m.pk), str(m.user)) for m in mentors]
        current = {c.rank: c for c in (choices or [])}
        answers = {(c.mentor_id, a.question_id): a.text
                   for c in (choices or []) for a in c.answers.all()}
        for place in range(1, cohort.max_choices + 1):
            chosen = current.get(place)
            self.fields[f"choice_{place}"] = forms.ChoiceField(
                label=_ordinal(place) + " choice", choices=options, required=False,
                initial=str(chosen.mentor_id) if chosen else "")
        for mentor in mentors:
            for question in mentor.listing.questions.all():
                self.fields[f"answer_{mentor.pk}_{question.pk}"] = forms.CharField(
                    label=question.prompt, required=False, max_length=ANSWER_MAX,
                    widget=forms.Textarea(attrs={"rows": 4, "data-mentor": mentor.pk}),
                    initial=answers.get((mentor.pk, question.pk), ""))

    def answer_fields(self, mentor) -> list:
        return [self[f"answer_{mentor.pk}_{q.pk}"] for q in mentor.listing.questions.all()]

    def chosen(self) -> list[ChoiceInput]:
        chosen = []
        for name in sorted((f for f in self.fields if f.startswith("choice_")),
                           key=lambda f: int(f.split("_")[1])):
            value = self.cleaned_data.get(name)
            if not value:
                continue
            mentor_id = int(value)
            mentor = self.mentors.get(mentor_id)
            questions = mentor.listing.questions.all() if mentor else []
            chosen.append(ChoiceInput(mentor_id=mentor_id, answers={
                q.pk: self.cleaned_data.get(f"answer_{mentor_id}_{q.pk}", "")
                for q in questions}))
        return chosen

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for field, messages in choices_problems(application=self.application,
                                                chosen=self.chosen(),
                                                mentors=self.mentors).items():
            for message in messages:
                self.add_error(None if field == "__all__" else field, message)
        return data


def _ordinal(n: int) -> str:
    return {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth"}.get(n, f"#{n}")


def _score_fields(form: forms.Form, criteria, scale: int, scores: dict) -> None:
    for criterion in criteria:
        form.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
            label=criterion.name, required=False, coerce=int, empty_value=None,
            choices=[(str(n), str(n)) for n in range(1, scale + 1)],
            widget=forms.RadioSelect, help_text=criterion.anchors,
            initial=str(scores[str(criterion.pk)]) if str(criterion.pk) in scores else None)


class MentorReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision", required=False, widget=forms.RadioSelect,
        choices=[*Decision.choices, ("", "Not yet")])
    rank = forms.IntegerField(label="Rank among your yeses", required=False, min_value=1,
                              max_value=1000, help_text="1 is the applicant you'd most "
                                                        "like to take.")
    notes = forms.CharField(label="Private notes", max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Only you see these.")

    def __init__(self, *args, criteria, scale: int, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.initial.update(decision=review.decision, rank=review.rank, notes=review.notes)
        _score_fields(self, criteria, scale, review.scores if review else {})
        self.criteria = criteria

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}


class SharedReviewForm(forms.Form):
    notes = forms.CharField(label="Private notes", max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria, scale: int, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.initial["notes"] = review.notes
        _score_fields(self, criteria, scale, review.scores if review else {})
        self.criteria = criteria

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}


def question_prompts(listing) -> list[str]:
    return list(MentorQuestion.objects.filter(listing=listing).order_by("position", "pk")
                .values_list("prompt", flat=True)) if listing and listing.pk else []
