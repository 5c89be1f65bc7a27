"""The default survey templates, as plain data.

The wording follows the program's seeds: the M&M pilot's evaluation (hours put in,
liked, disliked, percentage points of p(full-time), months saved, recommend to a friend;
mentors: worth your time, would you mentor again and under what conditions) and the MATS
mentor ratings (depth, breadth, research taste, motivation, support for continuing). The
baseline asks the mentee's self-ratings once at the start; the final asks them again, so
that the dashboard can show the change. It never asks what the app knows: whether a
mentee was paid a stipend is in the payments app, not a question.

``create_default_templates`` takes the model classes, so that the data migration can pass
its historical models and the demo (or a flushed test database) the real ones.
"""

# The default questions' keys. The impact dashboard reads named figures
# (``Question.figure``), not keys; the demo and the tests name questions by these.
HOURS_TOTAL = "hours_total"
DELTA_P = "delta_p_fulltime"
MONTHS_SAVED = "months_saved"
RECOMMEND = "recommend"
P_FULLTIME = "p_fulltime"
WORTH_IT = "worth_it"
MENTOR_AGAIN = "mentor_again"
MENTOR_HOURS = "mentor_hours"
SUPPORT = "support_continuing"
SELF_RATINGS = ["self_depth", "self_breadth", "self_taste", "self_motivation"]

_RATING_LABELS = {"self_depth": "Depth", "self_breadth": "Breadth",
                  "self_taste": "Research taste", "self_motivation": "Motivation"}

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
]
for _q in _SELF:
    _q.update(figure="self_rating", short_label=_RATING_LABELS[_q["key"]])
_SELF.append(dict(
    key=P_FULLTIME, type="percent", required=False,
    figure="p_fulltime", short_label="p(full-time), %",
    text="How likely is it, in percent, that you work full-time in AI safety within about "
         "two years?"))

# The scholar's rating of their mentor (MATS Summer 2023: 8.0/10, NPS 29): also what each
# mentor's "ratings received" counts.
MENTOR_RATING = dict(
    key="mentor_rating", type="scale_1_10", figure="mentor_rating", required=False,
    short_label="Rating of the mentor", low_label="1 = poor", high_label="10 = excellent",
    text="On a scale of 1 to 10, how would you rate your mentor?")

_DELTA_P = dict(
    key=DELTA_P, type="percentage_points", figure="delta_p",
    text="By how many percentage points did the program change your probability of "
         "working full-time in AI safety?",
    help_text="15 if it went from 40% to 55%; negative if it fell.")
_RECOMMEND = dict(
    key=RECOMMEND, type="scale_0_10", figure="recommend", low_label="0 = not at all likely",
    high_label="10 = extremely likely",
    text="How likely are you to recommend the program to a friend in a similar position?")
_WORTH_IT_CHOICES = "yes | Yes\nnot_sure | Not sure\nno | No"
_AGAIN = dict(key=MENTOR_AGAIN, type="single_choice", figure="mentor_again",
              choices="yes | Yes\nyes_if | Yes, under changed conditions\nno | No",
              text="Would you mentor again?")
_AGAIN_CONDITIONS = dict(
    key="mentor_again_conditions", type="long_text", required=False,
    text="What would need to change?",
    help_text="For example: fewer hours, a different kind of mentee, help with logistics.")

# The exit surveys' reasons: one set of values for both sides, so the figure counts them
# together (the values of matching's end reasons, and two more).
EXIT_REASONS_MENTEE = (
    "mentee_time | I no longer had the time\n"
    "mentor_time | My mentor no longer had the time\n"
    "fit | It wasn't a good fit\n"
    "goal_changed | My goals changed\n"
    "other_opportunity | I found something better (a job, a program, a grant)\n"
    "no_contact | We lost contact\n"
    "other | Another reason")
EXIT_REASONS_MENTOR = (
    "mentee_time | My mentee no longer had the time\n"
    "mentor_time | I no longer had the time\n"
    "fit | It wasn't a good fit\n"
    "goal_changed | My mentee's goals changed\n"
    "other_opportunity | My mentee found something better (a job, a program, a grant)\n"
    "no_contact | We lost contact\n"
    "other | Another reason")

# Every word a mentee reads counts (issue 18): the survey's email already says why it
# matters, the page who reads the answers.
BASELINE_INTRO = "We ask the same at the end, to see what changed."
FINAL_INTRO = ""

TEMPLATES = [
    dict(
        kind="mentee_baseline",
        title="Where you start",
        intro=BASELINE_INTRO,
        questions=_SELF,
    ),
    dict(
        kind="mentee_final",
        title="How was your mentorship?",
        intro=FINAL_INTRO,
        questions=[
            dict(key=HOURS_TOTAL, type="hours", figure="hours_put_in",
                 text="About how many hours did you put into the program in total?",
                 help_text="Reading, projects and meetings; a rough guess."),
            dict(key="liked", type="long_text", required=False,
                 text="What did you like?"),
            dict(key="disliked", type="long_text", required=False,
                 text="What did you dislike, or what should change?"),
            _DELTA_P,
            dict(key=MONTHS_SAVED, type="months", figure="months_saved",
                 text="By how many months did the program shorten your way into full-time "
                      "AI safety work?",
                 help_text="0 if not at all."),
            _RECOMMEND,
            MENTOR_RATING,
            *_SELF,
        ],
    ),
    dict(
        kind="mentor_final",
        title="Was it worth your time?",
        intro="Mentor time is the program's scarcest resource: your answers tell the "
              "organizers whether we spend it well.",
        questions=[
            dict(key=WORTH_IT, type="single_choice", choices=_WORTH_IT_CHOICES,
                 figure="worth_it", text="Was mentoring worth your time?"),
            _AGAIN,
            _AGAIN_CONDITIONS,
            dict(key="mentee_depth", type="scale_1_10", low_label="1 = complete novice",
                 high_label="10 = world class", figure="mentee_rating", short_label="Depth",
                 text="How strong are your mentee's technical skills for their chosen "
                      "research direction?"),
            dict(key="mentee_breadth", type="scale_1_10", low_label="1 = complete novice",
                 high_label="10 = could pass their intellectual Turing test",
                 figure="mentee_rating", short_label="Breadth",
                 text="How would you rate your mentee's understanding of the agendas of the "
                      "major AI safety organizations?"),
            dict(key="mentee_taste", type="scale_1_10",
                 low_label="1 = needs significant guidance",
                 high_label="10 = could lead a research team",
                 figure="mentee_rating", short_label="Research taste",
                 text="How well can your mentee iterate on a research direction on their own "
                      "(design and update a proposal, notice confusion, change course)?"),
            dict(key="mentee_motivation", type="scale_1_10",
                 low_label="1 = here for other reasons",
                 high_label="10 = good AI outcomes are their main motivation",
                 figure="mentee_rating", short_label="Motivation",
                 text="How much is your mentee motivated by achieving good AI outcomes?"),
            dict(key=SUPPORT, type="scale_1_10",
                 low_label="1 = fine if they don't continue",
                 high_label="10 = very disappointed if they didn't",
                 figure="mentee_rating", short_label="Support for continuing",
                 text="Taking all this into account, how strongly do you support your mentee "
                      "continuing in AI safety?"),
            dict(key=MENTOR_HOURS, type="hours", required=False, figure="mentor_hours",
                 text="About how many hours did mentoring take you in total?",
                 help_text="Meetings plus messages and reviews in between; a rough guess."),
        ],
    ),
    dict(
        kind="mentee_exit",
        title="Your mentorship ended early: what happened?",
        intro="Mentorships end early for many reasons, and yours counts as much as one that "
              "ran its course: a few short questions tell the organizers what to change.",
        questions=[
            dict(key="exit_reason", type="single_choice", choices=EXIT_REASONS_MENTEE,
                 figure="exit_reason", text="What was the main reason it ended early?"),
            dict(key="useful_so_far", type="scale_1_10", low_label="1 = not at all",
                 high_label="10 = very useful",
                 text="How useful was the mentorship while it lasted?"),
            {**_DELTA_P, "text": "By how many percentage points did the mentorship, while it "
                                 "lasted, change your probability of working full-time in "
                                 "AI safety?"},
            _RECOMMEND,
            MENTOR_RATING,
            dict(key="what_change", type="long_text", required=False,
                 text="What could the program or your mentor have done differently?"),
        ],
    ),
    dict(
        kind="mentor_exit",
        title="Your mentorship ended early: what happened?",
        intro="Mentorships end early for many reasons: a few short questions tell the "
              "organizers what to change, and whether it was still worth your time.",
        questions=[
            dict(key="exit_reason", type="single_choice", choices=EXIT_REASONS_MENTOR,
                 figure="exit_reason", text="What was the main reason it ended early?"),
            dict(key=WORTH_IT, type="single_choice", choices=_WORTH_IT_CHOICES,
                 figure="worth_it",
                 text="Was mentoring worth your time, for as long as it lasted?"),
            _AGAIN,
            _AGAIN_CONDITIONS,
            dict(key=MENTOR_HOURS, type="hours", required=False, figure="mentor_hours",
                 text="About how many hours did mentoring take you in total?"),
            dict(key="what_change", type="long_text", required=False,
                 text="What could the program have done to help?"),
        ],
    ),
    dict(
        kind="mentee_followup",
        title="Where are you now?",
        intro="Some months after your mentorship: six short questions tell the organizers "
              "whether the program helps people into the field. Only the organizers read "
              "your answers.",
        questions=[
            dict(key="occupation", type="single_choice", figure="occupation",
                 text="What do you mainly do now?",
                 choices="student | Studying (Master's, PhD, …)\n"
                         "safety_research | Research in AI safety (a lab, academia, "
                         "independent)\n"
                         "safety_other | Other work in AI safety (engineering, policy, "
                         "operations, field-building)\n"
                         "tech | Work outside AI safety (tech, ML, …)\n"
                         "looking | Looking for work\n"
                         "other | Something else"),
            dict(key="fulltime_in_field", type="single_choice", figure="fulltime_in_field",
                 choices="yes | Yes\nno | No",
                 text="Do you work full-time in AI safety now?"),
            dict(key="funded_or_hired", type="single_choice", figure="funded_or_hired",
                 text="Since the program, have you been funded (a grant, a fellowship, a paid "
                      "program) or hired for AI safety work?",
                 choices="funded | Funded\nhired | Hired\nboth | Both\nneither | Neither "
                         "yet"),
            dict(key="funded_by", type="short_text", required=False, figure="funded_by",
                 text="By whom? (optional)",
                 help_text="For example: LTFF, Open Philanthropy, MATS, a lab's name."),
            dict(key="outputs", type="links", required=False, figure="outputs",
                 text="Publications or projects since the program (optional)",
                 help_text="Links, one per line: papers, posts, repositories."),
            dict(key="program_contribution", type="scale_0_10",
                 figure="program_contribution", low_label="0 = nothing",
                 high_label="10 = it made all the difference",
                 text="How much did the program contribute to where you are now?"),
        ],
    ),
]


def element_nps(key: str, element: str) -> dict:
    """A recommend question for one support element, as MATS asks it of Scholar Support
    ("On a scale of 1 to 10, how likely are you to recommend Scholar Support to future
    scholars?"): each element gets its own NPS."""
    return dict(key=f"recommend_{key}", type="scale_1_10", figure="element_nps",
                short_label=element[:60], required=False,
                low_label="1 = not at all likely", high_label="10 = extremely likely",
                text=f"On a scale of 1 to 10, how likely are you to recommend {element} to "
                     "future mentees?")


# The MATS Summer 2023 survey's own measures (seed 001), for a program's mentee final
# survey (admin: a template's "Add the MATS measures"; the demo's program has them).
MATS_MEASURES = [
    dict(key="mentor_value_share", type="percent", figure="mentor_value_share",
         short_label="Value from the mentor, %",
         text="Roughly what share of the value you got from the program came from your "
              "mentor?",
         help_text="0 if none of it, 100 if all of it (in MATS Summer 2023, 61% of scholars "
                   "said at least half)."),
    dict(key="counterfactual", type="single_choice", figure="counterfactual",
         text="Without the program, how usefully would you have spent this time?",
         choices="much_less | Much less usefully\nsomewhat_less | Somewhat less usefully\n"
                 "about_as | About as usefully\nmore | More usefully"),
    dict(key="counterfactual_activity", type="single_choice", required=False,
         text="What would you most likely have done instead?",
         choices="tech | Worked at a tech company\nupskill | Upskilled on my own\n"
                 "research_alone | Done research on my own\n"
                 "research_mentored | Done mentored research elsewhere\n"
                 "study | Studied\nother | Something else"),
    dict(key="productive_hours", type="hours", figure="productive_hours", required=False,
         text="How many more productive hours in the last 8 weeks would you estimate you had "
              "because of your mentorship?"),
    dict(key="grant_equivalent", type="money_usd", figure="grant_equivalent", required=False,
         text="Assuming you got a grant instead of your 1-1 mentorship meetings, how much "
              "would you have needed to receive in order to be indifferent between the grant "
              "and the mentorship?"),
    element_nps("coaching", "the research and productivity coaching"),
    element_nps("workshops", "the workshops and seminars"),
]


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


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
        # An early migration's model lacks later fields (figure, short_label).
        known = _fields(Question)
        Question.objects.bulk_create([
            Question(template=template, order=(i + 1) * 10,
                     **{k: v for k, v in {"required": True, **q}.items() if k in known})
            for i, q in enumerate(spec["questions"])
        ])
        created += 1
    return created
