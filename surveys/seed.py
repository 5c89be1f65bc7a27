"""The default survey templates, as plain data.

The wording follows the program's seeds: the M&M pilot's evaluation (hours put in, funded,
liked, disliked, percentage points of p(full-time), months saved, recommend to a friend;
mentors: worth your time, would you mentor again and under what conditions) and the MATS
mentor ratings (depth, breadth, research taste, motivation, support for continuing). The
baseline asks the mentee's self-ratings once at the start; the final asks them again, so
that the dashboard can show the change.

``create_default_templates`` takes the model classes, so that the data migration can pass
its historical models and the demo (or a flushed test database) the real ones.
"""

# The keys the impact dashboard reads. Renaming one breaks its figure.
HOURS_TOTAL = "hours_total"
FUNDED = "funded"
DELTA_P = "delta_p_fulltime"
MONTHS_SAVED = "months_saved"
RECOMMEND = "recommend"
P_FULLTIME = "p_fulltime"
WORTH_IT = "worth_it"
MENTOR_AGAIN = "mentor_again"
MENTOR_HOURS = "mentor_hours"
SUPPORT = "support_continuing"
MENTEE_RATINGS = ["mentee_depth", "mentee_breadth", "mentee_taste", "mentee_motivation"]
SELF_RATINGS = ["self_depth", "self_breadth", "self_taste", "self_motivation"]

RATING_LABELS = {"depth": "Depth", "breadth": "Breadth", "taste": "Research taste",
                 "motivation": "Motivation"}

_SELF = [
    dict(key="self_depth", type="scale_1_10", low_label="1 = complete novice",
         high_label="10 = world class",
         text="How strong are your technical skills for the research direction you want "
              "to pursue?"),
    dict(key="self_breadth", type="scale_1_10", low_label="1 = complete novice",
         high_label="10 = could pass their intellectual Turing test",
         text="How well do you understand the agendas of the major AI safety "
              "organizations?"),
    dict(key="self_taste", type="scale_1_10", low_label="1 = I need a lot of guidance",
         high_label="10 = I could lead a research team",
         text="How well can you iterate on a research direction on your own (scope a "
              "project, notice confusion, change course)?"),
    dict(key="self_motivation", type="scale_1_10", low_label="1 = other reasons",
         high_label="10 = my main motivation by far",
         text="How much is improving AI outcomes what motivates your work?"),
    dict(key=P_FULLTIME, type="percentage_points", required=False, min_value=0,
         max_value=100,
         text="How likely is it, in percent, that you work full-time in AI safety within "
              "about two years?",
         help_text="Your honest guess, from 0 to 100."),
]

TEMPLATES = [
    dict(
        kind="mentee_baseline",
        title="Where you start",
        intro="Five quick questions before your mentorship gets going. At the end we ask the "
              "same again, so you (and we) can see what changed.",
        questions=_SELF,
    ),
    dict(
        kind="mentee_final",
        title="How was your mentorship?",
        intro="Your answers tell the organizers whether the program is worth its mentors' "
              "time.",
        questions=[
            dict(key=HOURS_TOTAL, type="hours",
                 text="About how many hours did you put into the program in total?",
                 help_text="Reading, projects and meetings together; a rough guess is fine."),
            dict(key=FUNDED, type="single_choice", choices="yes | Yes\nno | No",
                 text="Were you paid a stipend for your time?"),
            dict(key="liked", type="long_text", required=False,
                 text="What did you like?"),
            dict(key="disliked", type="long_text", required=False,
                 text="What did you dislike, or what should change?"),
            dict(key=DELTA_P, type="percentage_points",
                 text="By how many percentage points did the program change your "
                      "probability of working full-time in AI safety?",
                 help_text="Compared with a world without the program: 15 if it went from "
                           "40% to 55%; 0 for no change; negative if it lowered it."),
            dict(key=MONTHS_SAVED, type="months",
                 text="By how many months did the program shorten your way into full-time "
                      "AI safety work?",
                 help_text="0 if not at all; negative if it made the way longer."),
            dict(key=RECOMMEND, type="scale_0_10", low_label="0 = not at all likely",
                 high_label="10 = extremely likely",
                 text="How likely are you to recommend the program to a friend in a similar "
                      "position?"),
            *_SELF,
        ],
    ),
    dict(
        kind="mentor_final",
        title="Was it worth your time?",
        intro="Mentor time is the program's scarcest resource: your answers tell the "
              "organizers whether we spend it well.",
        questions=[
            dict(key=WORTH_IT, type="single_choice",
                 choices="yes | Yes\nnot_sure | Not sure\nno | No",
                 text="Was mentoring worth your time?"),
            dict(key=MENTOR_AGAIN, type="single_choice",
                 choices="yes | Yes\nyes_if | Yes, under changed conditions\nno | No",
                 text="Would you mentor again?"),
            dict(key="mentor_again_conditions", type="long_text", required=False,
                 text="What would need to change?",
                 help_text="For example: fewer hours, a different kind of mentee, help with "
                           "logistics."),
            dict(key="mentee_depth", type="scale_1_10", low_label="1 = complete novice",
                 high_label="10 = world class",
                 text="How strong are your mentee's technical skills for their chosen "
                      "research direction?"),
            dict(key="mentee_breadth", type="scale_1_10", low_label="1 = complete novice",
                 high_label="10 = could pass their intellectual Turing test",
                 text="How would you rate your mentee's understanding of the agendas of the "
                      "major AI safety organizations?"),
            dict(key="mentee_taste", type="scale_1_10",
                 low_label="1 = needs significant guidance",
                 high_label="10 = could lead a research team",
                 text="How well can your mentee iterate on a research direction on their own "
                      "(design and update a proposal, notice confusion, change course)?"),
            dict(key="mentee_motivation", type="scale_1_10",
                 low_label="1 = here for other reasons",
                 high_label="10 = good AI outcomes are their main motivation",
                 text="How much is your mentee motivated by achieving good AI outcomes?"),
            dict(key=SUPPORT, type="scale_1_10",
                 low_label="1 = fine if they don't continue",
                 high_label="10 = very disappointed if they didn't",
                 text="Taking all this into account, how strongly do you support your mentee "
                      "continuing in AI safety?"),
            dict(key=MENTOR_HOURS, type="hours", required=False,
                 text="About how many hours did mentoring take you in total?",
                 help_text="Meetings plus messages and reviews in between; a rough guess."),
        ],
    ),
]


def create_default_templates(SurveyTemplate, Question) -> int:  # noqa: N803 - model classes
    """Create each default template that has no current default version. Returns how many
    were created; safe to run again."""
    created = 0
    for spec in TEMPLATES:
        if SurveyTemplate.objects.filter(kind=spec["kind"], program__isnull=True,
                                         is_current=True).exists():
            continue
        last = (SurveyTemplate.objects.filter(kind=spec["kind"], program__isnull=True)
                .order_by("-version").values_list("version", flat=True).first())
        template = SurveyTemplate.objects.create(
            kind=spec["kind"], program=None, version=(last or 0) + 1, is_current=True,
            title=spec["title"], intro=spec["intro"],
        )
        Question.objects.bulk_create([
            Question(template=template, order=(i + 1) * 10, **{"required": True, **q})
            for i, q in enumerate(spec["questions"])
        ])
        created += 1
    return created
