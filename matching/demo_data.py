"""The demo program's people and stories, for ``manage.py seed_demo``.

Plain data (and the small helpers that read it): who the demo mentors and mentees are,
and the mentorship stories the command tells through the services.
"""

import unicodedata
from dataclasses import dataclass, field

from matching.models import FinalProject, MentorshipSource

DEMO_PASSWORD = "demo-organizer-2026"  # noqa: S105 - published on purpose, demo only
ORGANIZER_EMAIL = "organizer@example.org"
# Organizes the cohort program only: what an organizer of one program of several sees.
COHORT_ORGANIZER_EMAIL = "cohort-organizer@example.org"
OFFICER_EMAIL = "payments@example.org"
BULK_DOMAIN = "bulk.example.org"

# name, zone, position, organization, areas (slugs), capacity, involvement, control, notes
MENTORS = [
    ("Amara Okafor", "Europe/London", "fulltime_safety", "Interpretability lab",
     ["mechanistic-interpretability", "activation-engineering"], 3, "hands_on", "shared",
     "I like pairing on notebooks. Expect concrete feedback on code and plots."),
    ("Jonas Becker", "Europe/Berlin", "phd", "University of Tübingen",
     ["evals", "aligning-language-models"], 2, "balanced", "mentee",
     "PhD student; I mostly help you scope a project and find the right papers."),
    ("Priya Raman", "America/Los_Angeles", "industry", "Frontier lab, safety team",
     ["evals", "deceptive-ai"], 2, "high_level", "mentor",
     "I'll suggest a project from my backlog of eval ideas; I don't review code."),
    ("Lucas Moreau", "Europe/Paris", "independent", "",
     ["agent-foundations", "power-seeking"], 2, "high_level", "mentee",
     "Conceptual research. Bring questions; I bring reading lists and pushback."),
    ("Mei Tanaka", "Asia/Tokyo", "fulltime_safety", "Governance think tank",
     ["governance", "multipolar"], 2, "balanced", "shared",
     "Policy and governance, especially compute governance and international coordination."),
    ("Daniel Kim", "America/New_York", "industry", "ML engineer",
     ["mechanistic-interpretability", "ai-security"], 2, "hands_on", "mentor",
     "Software-heavy: you'll ship something small and real by the end."),
    ("Sofia Alvarez", "America/Mexico_City", "phd", "UNAM",
     ["shard-theory", "aligning-language-models"], 1, "balanced", "mentee",
     "Happy to mentor in English or Spanish."),
    ("Tom Lindqvist", "Europe/Stockholm", "fulltime_safety", "Alignment nonprofit",
     ["cyborgism", "field-building"], 3, "high_level", "mentee",
     "Writing and distillation: I help you turn reading into posts people read."),
    ("Arjun Nair", "Asia/Kolkata", "academic", "IISc Bangalore",
     ["evals", "interdisciplinary"], 2, "balanced", "shared",
     "Postdoc working on evaluation methodology; happy with IST-friendly hours."),
]

# The matching profile of each mentor (what a matching run reads besides the above).
MENTOR_PROFILES = {
    "Amara Okafor": dict(listed_for_applicants=True),
    "Jonas Becker": dict(listed_for_applicants=True, excluded_stages=["industry"],
                         conflicts="Jakob Müller"),
    "Priya Raman": dict(listed_for_applicants=True, excluded_stages=["bachelors"]),
    "Lucas Moreau": dict(listed_for_applicants=False),
    "Mei Tanaka": dict(listed_for_applicants=True),
    "Daniel Kim": dict(listed_for_applicants=True, excluded_stages=["bachelors", "other"]),
    "Sofia Alvarez": dict(listed_for_applicants=True),
    "Tom Lindqvist": dict(listed_for_applicants=False, excluded_stages=["academic"],
                          conflicts="zara.ahmed@example.org"),
    "Arjun Nair": dict(listed_for_applicants=True),
}

# name, zone, occupation, field, areas, hours, intent, funding, status, redirect, goals
MENTEES = [
    ("Ana Costa", "Europe/Lisbon", "masters", "Computer science",
     ["mechanistic-interpretability"], 8, "yes", False, "accepted", "",
     "Reproduce a toy-model interpretability result and write it up."),
    ("Ben Carter", "Europe/London", "phd", "Physics", ["agent-foundations"], 6, "yes", True,
     "accepted", "", "Understand whether my background in statistical physics transfers."),
    ("Chen Wei", "Asia/Shanghai", "masters", "Machine learning", ["evals", "deceptive-ai"], 10,
     "yes", False, "accepted", "", "Build a small dangerous-capability eval."),
    ("Dana Levi", "Asia/Jerusalem", "industry", "Software engineering",
     ["ai-security", "evals"], 7, "maybe", False, "accepted", "",
     "Test my fit for a research-engineering role."),
    ("Elif Yilmaz", "Europe/Istanbul", "phd", "Mathematics", ["agent-foundations"], 5, "yes",
     True, "accepted", "", "Find a tractable open problem in agent foundations."),
    ("Femi Adeyemi", "Africa/Lagos", "masters", "Computer science",
     ["aligning-language-models"], 12, "yes", True, "accepted", "",
     "Get from coursework to a first research project."),
    ("Greta Nilsson", "Europe/Stockholm", "bachelors", "Cognitive science",
     ["governance"], 4, "maybe", False, "pending", "",
     "Learn what governance research looks like day to day."),
    ("Hiro Sato", "Asia/Tokyo", "academic", "Neuroscience",
     ["mechanistic-interpretability"], 6, "yes", False, "pending", "",
     "Bring neuroscience methods to interpretability."),
    ("Isabel Ruiz", "America/Bogota", "masters", "Statistics", ["evals"], 8, "yes", True,
     "pending", "", "Work on statistical methods for evals."),
    ("Jakob Müller", "Europe/Berlin", "phd", "Machine learning",
     ["mechanistic-interpretability", "activation-engineering"], 10, "yes", False,
     "waitlisted", "", "Steering vectors."),
    ("Kavya Iyer", "Asia/Kolkata", "bachelors", "Computer science",
     ["field-building"], 3, "maybe", False, "redirected", "AGISF",
     "Get an overview of the field first."),
    ("Liam O'Brien", "Europe/Dublin", "industry", "Data science", ["governance"], 5, "no",
     False, "declined", "", "Curious about AI policy."),
    ("Maya Cohen", "America/New_York", "phd", "Computer science",
     ["deceptive-ai", "aligning-language-models"], 15, "yes", False, "redirected",
     "MATS", "Do full-time research this summer."),
    ("Nour Haddad", "Asia/Beirut", "masters", "Electrical engineering",
     ["ai-security"], 6, "yes", True, "pending", "", "Security of model weights."),
    # Their mentorships have ended: a completed one and one that ended early.
    ("Omar Farouk", "Africa/Cairo", "masters", "Philosophy of science",
     ["field-building", "aligning-language-models"], 6, "yes", False, "accepted", "",
     "Write a distillation people outside the field can read."),
    ("Pablo Duarte", "America/Argentina/Buenos_Aires", "industry", "Backend engineering",
     ["evals", "aligning-language-models"], 5, "maybe", False, "accepted", "",
     "See whether eval work suits me before switching jobs."),
    # Accepted and still waiting for a match: what a matching run proposes for.
    ("Rahul Mehta", "Asia/Kolkata", "masters", "Computer science",
     ["evals", "ai-security"], 10, "yes", True, "accepted", "",
     "Build a jailbreak-robustness eval and learn to write it up."),
    ("Quynh Tran", "Asia/Ho_Chi_Minh", "academic", "International relations",
     ["governance", "multipolar"], 6, "yes", False, "accepted", "",
     "Move from arms-control research to AI governance."),
    ("Tomás Silva", "America/Sao_Paulo", "phd", "Machine learning",
     ["shard-theory", "aligning-language-models"], 8, "yes", True, "accepted", "",
     "Test one shard-theory prediction on a small RL agent."),
    ("Zara Ahmed", "America/Toronto", "bachelors", "Computer engineering",
     ["mechanistic-interpretability", "ai-security"], 9, "yes", False, "accepted", "",
     "Get hands-on with interpretability tooling before grad school."),
]

# Each mentee's matching preferences: involvement, control, preferred mentors, conflicts.
MENTEE_PREFERENCES = {
    "Ana Costa": ("hands_on", "shared", ["Amara Okafor"], ""),
    "Ben Carter": ("high_level", "mentee", [], "Lucas Moreau"),
    "Chen Wei": ("balanced", "mentor", ["Priya Raman"], ""),
    "Elif Yilmaz": ("high_level", "mentee", ["Lucas Moreau"], ""),
    "Femi Adeyemi": ("balanced", "shared", [], ""),
    "Hiro Sato": ("hands_on", "", ["Amara Okafor"], ""),
    "Isabel Ruiz": ("", "shared", [], "priya.raman@example.org"),
    "Jakob Müller": ("hands_on", "shared", ["Amara Okafor", "Daniel Kim"], ""),
    "Omar Farouk": ("high_level", "mentee", ["Tom Lindqvist"], ""),
    "Rahul Mehta": ("hands_on", "mentor", ["Daniel Kim", "Arjun Nair"], ""),
    "Quynh Tran": ("balanced", "shared", ["Mei Tanaka"], ""),
    "Tomás Silva": ("balanced", "mentee", ["Sofia Alvarez"], ""),
    "Zara Ahmed": ("hands_on", "", ["Daniel Kim"], "Sam Reed"),
}

# Who can sign in to see the participant pages with data on them.
DEMO_MENTOR = "Amara Okafor"
DEMO_MENTEE = "Ana Costa"


def email_for(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".").replace("'", "") + "@example.org"


# --- mentorship stories ----------------------------------------------------------------

# A meeting: (days ago, minutes, on track?, note).
Meeting = tuple[int, int, str, str]


@dataclass
class Story:
    """One demo mentorship, from its start to where it is today."""

    mentor: str
    mentee: str
    source: str
    started_days_ago: int
    terms: dict | None = None  # terms_record's keywords, plus "areas" (slugs)
    meetings: list[Meeting] = field(default_factory=list)
    final_project: dict | None = None
    ends_this_month: bool = False  # the terms' planned end is set a few days from today
    ending: tuple | None = None  # ("pause",), ("complete", days ago, steps, notes),
    #                              ("end_early", days ago, reason, notes)


def _every_two_weeks(first_days_ago: int, last_days_ago: int, pattern) -> list[Meeting]:
    days = range(first_days_ago, last_days_ago - 1, -14)
    return [(d, *pattern[i % len(pattern)]) for i, d in enumerate(days)]


STORIES = [
    # Active with terms and several meetings: the demo mentor's and demo mentee's row.
    Story("Amara Okafor", "Ana Costa", MentorshipSource.MATCH, 70,
          terms=dict(focus="Reproduce 'Toy Models of Superposition' on a small MLP",
                     hours_per_week=8, meeting_every_weeks=2, meeting_minutes=45,
                     areas=["mechanistic-interpretability"]),
          meetings=[
              (66, 60, "yes", "First call: scoped the project to one toy model."),
              (52, 45, "yes", ""),
              (38, 45, "partly", "Training runs slower than planned; cut the sweep in half."),
              (24, 30, "no", "Exams: lost two weeks. Agreed a smaller first milestone."),
              (10, 45, "yes", "Back on track; the first feature plots look right."),
              (3, 40, "partly", ""),
          ]),
    # Completed, with next steps and a published final project with mentor feedback;
    # from before the product, so imported from the pilot's spreadsheet.
    Story("Amara Okafor", "Omar Farouk", MentorshipSource.IMPORTED, 190,
          terms=dict(focus="A distillation of the ELK report for newcomers",
                     hours_per_week=6, meeting_every_weeks=2, meeting_minutes=30,
                     areas=["field-building", "aligning-language-models"]),
          meetings=_every_two_weeks(186, 102, [
              (45, "yes", "First call: picked ELK; outline by the next call."),
              (30, "yes", ""),
              (30, "partly", "Section 3 is the hard one; read the counterexamples again."),
              (30, "yes", ""),
          ]),
          final_project=dict(
              kind=FinalProject.Kind.DISTILLATION, title="Eliciting latent knowledge, "
              "distilled", url="https://example.org/posts/elk-distilled", is_public=True,
              is_published=True,
              mentor_feedback="Clear and accurate. The worked example in section 2 is the "
              "best part; the counterexample section could be half as long."),
          ending=("complete", 98, ["program", "grant"],
                  "Applying to MATS; meanwhile an LTFF application for three months of "
                  "independent work.")),
    # Just started: the first call happened, the terms are not recorded yet.
    Story("Jonas Becker", "Femi Adeyemi", MentorshipSource.MATCH, 10,
          meetings=[(8, 45, "yes", "First call: three project ideas. Terms to follow.")]),
    # Ended early, with a reason.
    Story("Jonas Becker", "Pablo Duarte", MentorshipSource.ORGANIZER, 120,
          terms=dict(focus="Refusal robustness across open-weight fine-tunes",
                     hours_per_week=5, meeting_every_weeks=2, meeting_minutes=30,
                     areas=["evals"]),
          meetings=[(116, 45, "yes", "First call."),
                    (102, 30, "partly", "Less time than expected: new job.")],
          ending=("end_early", 80, "mentee_time",
                  "Started a full-time job; may apply again next year.")),
    # Running, but no meeting for over three weeks.
    Story("Priya Raman", "Chen Wei", MentorshipSource.MATCH, 60,
          terms=dict(focus="A small eval for sandbagging on multiple-choice benchmarks",
                     hours_per_week=10, meeting_every_weeks=2, meeting_minutes=30,
                     areas=["evals", "deceptive-ai"]),
          meetings=[(56, 30, "yes", "First call: project from Priya's backlog."),
                    (42, 30, "partly", "The dataset is harder to build than expected."),
                    (30, 30, "yes", "")]),
    # Paused.
    Story("Priya Raman", "Dana Levi", MentorshipSource.ORGANIZER, 50,
          terms=dict(focus="Red-team a code model's sandbox", hours_per_week=7,
                     meeting_every_weeks=3, meeting_minutes=45, areas=["ai-security"]),
          meetings=[(46, 45, "yes", "First call."),
                    (25, 45, "partly", "Busy quarter at work: pausing for a month.")],
          ending=("pause",)),
    # Ending this month (the planned end is set from today), final project in progress.
    Story("Lucas Moreau", "Elif Yilmaz", MentorshipSource.MATCH, 80,
          terms=dict(focus="A tractable question about logical counterfactuals",
                     hours_per_week=5, meeting_every_weeks=2, meeting_minutes=60,
                     needs_stipend=True, areas=["agent-foundations"]),
          meetings=_every_two_weeks(76, 6, [
              (60, "yes", ""), (60, "partly", "Too many threads; picked one."),
              (50, "yes", "Good progress on the toy setting."), (60, "no", ""),
          ]),
          final_project=dict(kind=FinalProject.Kind.BLOG_POST,
                             title="Notes on logical counterfactuals", is_public=True,
                             is_published=False),
          ends_this_month=True),
]

# Mentors' own rows (mentees they found themselves): one waiting for the mentee to
# confirm, on the demo mentor's list, and one the mentor withdrew.
INVITED = ("Amara Okafor", "Rosa Quint", "rosa.quint@example.org")
WITHDRAWN = ("Tom Lindqvist", "Victor Hale", "victor.hale@example.org")
