"""Survey templates in admin: questions inline; a template with responses is versioned,
not edited in place; invitations and responses as organizers see them."""

import pytest
from django.urls import reverse

from surveys import question_types
from surveys.models import Invitation, Question, Response, SurveyKind, SurveyTemplate

from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db

FIELDS = ["key", "order", "text", "help_text", "type", "choices", "low_label", "high_label",
          "min_value", "max_value"]


def default(kind=SurveyKind.MENTOR_FINAL) -> SurveyTemplate:
    return SurveyTemplate.objects.get(kind=kind, program__isnull=True, is_current=True)


def change_data(template, edit=None, delete=(), add=()):
    """The admin change form as a browser posts it, with `edit` ({key: {field: value}})
    applied, the keys in `delete` ticked for deletion and `add` appended."""
    questions = list(template.questions.all())
    data = {"title": template.title, "intro": template.intro, "is_current": "on",
            "questions-TOTAL_FORMS": str(len(questions) + len(add)),
            "questions-INITIAL_FORMS": str(len(questions)),
            "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000"}
    for i, q in enumerate(questions):
        row = {f: "" if getattr(q, f) is None else str(getattr(q, f)) for f in FIELDS}
        row.update((edit or {}).get(q.key, {}))
        data.update({f"questions-{i}-{f}": v for f, v in row.items()})
        data[f"questions-{i}-id"] = str(q.pk)
        data[f"questions-{i}-template"] = str(template.pk)
        if q.required:
            data[f"questions-{i}-required"] = "on"
        if q.key in delete:
            data[f"questions-{i}-DELETE"] = "on"
    for j, row in enumerate(add, start=len(questions)):
        data.update({f"questions-{j}-{f}": str(row.get(f, "")) for f in FIELDS})
        data[f"questions-{j}-template"] = str(template.pk)
        data[f"questions-{j}-required"] = "on"
    return data


def post_change(client, template, **kw):
    url = reverse("admin:surveys_surveytemplate_change", args=[template.pk])
    return client.post(url, change_data(template, **kw), follow=True)


def test_organizers_see_the_seeded_templates_with_their_questions(organizer_client):
    page = organizer_client.get(reverse("admin:surveys_surveytemplate_changelist"))
    html = page.content.decode()
    assert page.status_code == 200
    for title in ("Where you start", "How was your mentorship?", "Was it worth your time?"):
        assert title in html
    change = organizer_client.get(reverse("admin:surveys_surveytemplate_change",
                                          args=[default().pk]))
    assert "how strongly do you support your mentee" in change.content.decode()


def test_the_seeded_questions_match_the_seeds():
    final = {q.key: q for q in default(SurveyKind.MENTEE_FINAL).questions.all()}
    assert list(final)[:7] == ["hours_total", "liked", "disliked", "delta_p_fulltime",
                               "months_saved", "recommend", "mentor_rating"]
    assert final["recommend"].type == "scale_0_10"
    assert final["delta_p_fulltime"].type == "percentage_points"
    assert final["months_saved"].type == "months"
    mentor = {q.key: q for q in default().questions.all()}
    assert mentor["worth_it"].choice_list() == [("yes", "Yes"), ("not_sure", "Not sure"),
                                                ("no", "No")]
    assert {"mentee_depth", "mentee_breadth", "mentee_taste", "mentee_motivation",
            "support_continuing", "mentor_again", "mentor_again_conditions"} <= set(mentor)
    baseline = [q.key for q in default(SurveyKind.MENTEE_BASELINE).questions.all()]
    # The baseline repeats the final's self-ratings, so change is measurable.
    assert set(baseline) <= set(final)
    assert {"self_depth", "self_breadth", "self_taste", "self_motivation"} <= set(baseline)


def test_no_default_survey_asks_what_the_app_knows_and_units_match_the_words():
    questions = Question.objects.filter(template__is_current=True, template__program=None)
    assert not [q.text for q in questions if "stipend" in q.text.lower()]
    for q in questions.filter(key="p_fulltime"):
        # A probability: asked "in percent", shown with the unit "percent".
        assert "in percent" in q.text and q.type == "percent"
        assert question_types.of(q).widget(q)["unit"] == "percent"
    for q in questions.filter(key="delta_p_fulltime"):
        assert "percentage points" in q.text and q.type == "percentage_points"


def test_a_template_without_responses_is_edited_in_place(organizer_client, program):
    template = default()
    inv = invitation(completed(program), SurveyKind.MENTOR_FINAL)
    page = post_change(organizer_client, template,
                       edit={"worth_it": {"text": "Was mentoring worth it?"}})
    assert page.status_code == 200
    assert SurveyTemplate.objects.filter(kind=SurveyKind.MENTOR_FINAL).count() == 1
    assert template.questions.get(key="worth_it").text == "Was mentoring worth it?"
    inv.refresh_from_db()
    assert inv.template == template


def test_a_template_with_responses_gets_a_new_version(organizer_client, program):
    template = default()
    old_questions = {q.key: q.pk for q in template.questions.all()}
    answered = invitation(completed(program), SurveyKind.MENTOR_FINAL)
    response = answer(answered)
    waiting = invitation(completed(program), SurveyKind.MENTOR_FINAL)

    warning = organizer_client.get(reverse("admin:surveys_surveytemplate_change",
                                           args=[template.pk]))
    assert "saving creates a new version" in warning.content.decode()

    page = post_change(
        organizer_client, template,
        edit={"worth_it": {"text": "All in all, was it worth your time?"}},
        delete=["mentor_hours"],
        add=[{"key": "would_recommend_mentoring", "order": "200", "type": "scale_0_10",
              "text": "Would you recommend mentoring to a colleague?"}],
    )
    assert page.status_code == 200
    assert "saved as version 2" in page.content.decode()
    new = SurveyTemplate.objects.get(kind=SurveyKind.MENTOR_FINAL, is_current=True)
    template.refresh_from_db()
    assert (new.version, new.replaces, template.is_current) == (2, template, False)
    assert page.redirect_chain[-1][0].endswith(
        reverse("admin:surveys_surveytemplate_changelist"))

    # The old version is untouched: same questions, same wording, same answers.
    assert {q.key: q.pk for q in template.questions.all()} == old_questions
    assert template.questions.get(key="worth_it").text == "Was mentoring worth your time?"
    response.refresh_from_db()
    assert response.template == template
    assert {a.question.template_id for a in response.answers.all()} == {template.pk}

    # The new version has the changes.
    keys = [q.key for q in new.questions.all()]
    assert "mentor_hours" not in keys and keys[-1] == "would_recommend_mentoring"
    assert new.questions.get(key="worth_it").text == "All in all, was it worth your time?"
    assert not set(new.questions.values_list("pk", flat=True)) & set(old_questions.values())
    assert Question.objects.filter(template=template).count() == len(old_questions)

    # Nobody had started the waiting invitation: it now asks the new version. New
    # invitations too.
    waiting.refresh_from_db()
    assert waiting.template == new
    answered.refresh_from_db()
    assert answered.template == template
    fresh = invitation(completed(program), SurveyKind.MENTOR_FINAL)
    assert fresh.template == new


def test_a_partly_answered_response_keeps_its_version_too(organizer_client, program):
    template = default(SurveyKind.MENTEE_FINAL)
    inv = invitation(completed(program))
    answer(inv, submit=False, recommend=None)
    post_change(organizer_client, template, edit={"recommend": {"text": "Recommend us?"}})
    inv.refresh_from_db()
    assert inv.template == template and Response.objects.get().template == template
    # Sending later still validates against the version it started on.
    answer(inv, recommend="10")
    assert Response.objects.get().answers.get(question__key="recommend").question \
        .template == template


def test_making_another_template_current_retires_the_old_one(organizer_client, program):
    url = reverse("admin:surveys_surveytemplate_add")
    data = {"kind": SurveyKind.MENTOR_FINAL, "program": "", "title": "A shorter one",
            "intro": "", "is_current": "on", "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0", "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000", "questions-0-key": "worth_it",
            "questions-0-order": "1", "questions-0-text": "Worth it?",
            "questions-0-type": "single_choice", "questions-0-required": "on",
            "questions-0-choices": "yes | Yes\nno | No"}
    assert organizer_client.post(url, data).status_code == 302
    current = SurveyTemplate.objects.filter(kind=SurveyKind.MENTOR_FINAL, is_current=True)
    assert [(t.title, t.version) for t in current] == [("A shorter one", 2)]


def test_a_template_in_use_cannot_be_deleted(organizer_client, program):
    template = default()
    invitation(completed(program), SurveyKind.MENTOR_FINAL)
    url = reverse("admin:surveys_surveytemplate_delete", args=[template.pk])
    assert organizer_client.get(url).status_code == 403


def test_invitations_and_responses_in_admin(organizer_client, program):
    inv = invitation(completed(program))
    answer(inv)
    invitations = organizer_client.get(reverse("admin:surveys_invitation_changelist"))
    assert "Answered" in invitations.content.decode()
    response = Response.objects.get()
    page = organizer_client.get(reverse("admin:surveys_response_change", args=[response.pk]))
    assert page.status_code == 200 and "The structure." in page.content.decode()
    assert organizer_client.get(reverse("admin:surveys_response_add")).status_code == 403


def test_sending_a_new_link_retires_the_old_one(organizer_client, program, client,
                                                django_capture_on_commit_callbacks):
    from surveys.tokens import survey_token

    inv = invitation(completed(program))
    old = reverse("survey", args=[survey_token(inv)])
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse("admin:surveys_invitation_changelist"), {
            "action": "send_new_link", "_selected_action": [str(inv.pk)]})
    inv.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(reverse("survey", args=[survey_token(inv)])).status_code == 200
    assert Invitation.objects.get().sent_at is not None


def test_participants_cannot_reach_survey_admin(client, program):
    m = completed(program)
    client.force_login(m.mentor.user)
    page = client.get(reverse("admin:surveys_response_changelist"))
    assert page.status_code == 302 and "/login/" in page.url


def test_a_template_id_that_is_no_number_is_no_template(organizer_client):
    page = organizer_client.get(reverse("admin:surveys_surveytemplate_change", args=["abc"]))
    assert (page.status_code, page.url) == (302, reverse("admin:index"))  # "doesn't exist"
