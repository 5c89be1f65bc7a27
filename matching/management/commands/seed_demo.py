"""Build a believable demo program, or a large one for benchmarks.

    python manage.py seed_demo                      # the demo program, idempotent
    python manage.py seed_demo --mentees 10000 --mentors 500   # plus bulk data

Running it again changes nothing that is already there.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from matching.models import (
    ApplicationStatus,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Program,
    RedirectTarget,
    ResearchArea,
)
from mm_program.roles import ORGANIZERS, PAYMENTS_OFFICERS, ensure_roles

User = get_user_model()

DEMO_PASSWORD = "demo-organizer-2026"  # noqa: S105 - published on purpose, demo only
ORGANIZER_EMAIL = "organizer@example.org"
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
     ["agent-foundations", "power-seeking"], 1, "high_level", "mentee",
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
]

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
     ["field-building"], 3, "maybe", False, "redirected", RedirectTarget.AGISF,
     "Get an overview of the field first."),
    ("Liam O'Brien", "Europe/Dublin", "industry", "Data science", ["governance"], 5, "no",
     False, "declined", "", "Curious about AI policy."),
    ("Maya Cohen", "America/New_York", "phd", "Computer science",
     ["deceptive-ai", "aligning-language-models"], 15, "yes", False, "redirected",
     RedirectTarget.MATS, "Do full-time research this summer."),
    ("Nour Haddad", "Asia/Beirut", "masters", "Electrical engineering",
     ["ai-security"], 6, "yes", True, "pending", "", "Security of model weights."),
]


class Command(BaseCommand):
    help = "Create a believable demo program (idempotent); --mentees/--mentors add bulk data."

    def add_arguments(self, parser):
        parser.add_argument("--mentees", type=int, default=0,
                            help="Also create this many synthetic mentee applications.")
        parser.add_argument("--mentors", type=int, default=0,
                            help="Also create this many synthetic accepted mentors.")
        parser.add_argument("--force", action="store_true",
                            help="Run even with DEBUG off (never on a real program).")

    def handle(self, *args, mentees, mentors, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password. It runs only with "
                "DEBUG=1, or with --force on a database that is not a real program's."
            )
        if mentees < 0 or mentors < 0:
            raise CommandError("--mentees and --mentors must be 0 or more.")
        ensure_roles()
        program = Program.objects.order_by("created_at", "pk").first()
        if program is None:
            program = Program.objects.create(name="AI Safety Mentors and Mentees",
                                             slug="mentors-and-mentees")
        areas = {a.slug: a for a in ResearchArea.objects.all()}
        with transaction.atomic():
            organizer = self._staff(ORGANIZER_EMAIL, "Olivia Organizer", ORGANIZERS)
            self._staff(OFFICER_EMAIL, "Pat Payments", PAYMENTS_OFFICERS)
            self._demo_mentors(program, areas, organizer)
            self._demo_mentees(program, areas, organizer)
        if mentors:
            self._bulk_mentors(program, list(areas.values()), mentors)
        if mentees:
            self._bulk_mentees(program, list(areas.values()), mentees)

        self.stdout.write(self.style.SUCCESS(
            f"Demo program '{program.name}': "
            f"{MentorApplication.objects.filter(program=program).count()} mentor and "
            f"{MenteeApplication.objects.filter(program=program).count()} mentee applications."
        ))
        self.stdout.write(
            f"Organizer sign-in: {ORGANIZER_EMAIL} / {DEMO_PASSWORD}  (or ask for a code)\n"
            f"Payments officer:  {OFFICER_EMAIL} / {DEMO_PASSWORD}"
        )

    # --- people ---------------------------------------------------------------------

    def _user(self, email, name):
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"primary": True, "verified": True}
        )
        return user

    def _staff(self, email, name, group_name):
        from django.contrib.auth.models import Group

        user = self._user(email, name)
        if not user.is_staff or not user.has_usable_password():
            user.is_staff = True
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=group_name))
        return user

    def _demo_mentors(self, program, areas, organizer):
        now = timezone.now()
        for i, (name, zone, position, org, area_slugs, capacity, involvement, control,
                notes) in enumerate(MENTORS):
            email = name.lower().replace(" ", ".").replace("'", "") + "@example.org"
            user = self._user(email, name)
            app, created = MentorApplication.objects.get_or_create(
                program=program, email=email,
                defaults=dict(
                    user=user, name=name, timezone=zone, position=position,
                    organization=org, capacity=capacity, minutes_per_week=30 * capacity,
                    involvement=involvement, creative_control=control, style_notes=notes,
                    heard_about="A colleague",
                    status=ApplicationStatus.ACCEPTED, decided_by=organizer,
                    decided_at=now - timedelta(days=60 - i),
                ),
            )
            if created:
                app.research_areas.set([areas[s] for s in area_slugs])
                MentorApplication.objects.filter(pk=app.pk).update(
                    submitted_at=now - timedelta(days=75 - i))
            Mentor.objects.get_or_create(
                program=program, user=user,
                defaults={"application": app, "capacity": capacity},
            )

    def _demo_mentees(self, program, areas, organizer):
        now = timezone.now()
        for i, (name, zone, occupation, field, area_slugs, hours, intent, funding, status,
                redirect_to, goals) in enumerate(MENTEES):
            email = name.lower().replace(" ", ".").replace("'", "") + "@example.org"
            email = email.replace("ü", "u")
            user = self._user(email, name)
            decided = status != ApplicationStatus.PENDING
            app, created = MenteeApplication.objects.get_or_create(
                program=program, email=email,
                defaults=dict(
                    user=user, name=name, timezone=zone, occupation=occupation,
                    field_of_study=field, hours_per_week=hours, fulltime_intent=intent,
                    goals=goals, needs_funding=funding,
                    funding_reason="I'd otherwise need a second job." if funding else "",
                    courses_done=["agisf_alignment"] if i % 2 == 0 else [],
                    heard_about="AGI Safety Fundamentals" if i % 3 else "LessWrong",
                    flagged_low_hours=hours < program.min_hours_per_week,
                    status=status, redirect_to=redirect_to,
                    decided_by=organizer if decided else None,
                    decided_at=now - timedelta(days=20 - i) if decided else None,
                    decision_message="AGISF's next cohort starts soon; come back after it."
                    if redirect_to == RedirectTarget.AGISF else "",
                    organizer_notes="Strong writing sample." if i % 4 == 0 else "",
                ),
            )
            if created:
                app.research_areas.set([areas[s] for s in area_slugs])
                MenteeApplication.objects.filter(pk=app.pk).update(
                    submitted_at=now - timedelta(days=30 - i))
            if status == ApplicationStatus.ACCEPTED:
                Mentee.objects.get_or_create(program=program, user=user,
                                             defaults={"application": app})

    # --- bulk ------------------------------------------------------------------------

    def _bulk_users(self, prefix, count):
        """Users `<prefix><i>@bulk…` for i < count, creating only the missing ones."""
        emails = [f"{prefix}{i}@{BULK_DOMAIN}" for i in range(count)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        missing = [e for e in emails if e not in existing]
        User.objects.bulk_create(
            [User(email=e, name=f"{prefix.title()} {e.split('@')[0][len(prefix):]}",
                  password="!") for e in missing],  # noqa: S106 - "!" is an unusable password
            batch_size=2000,
        )
        return {u.email: u for u in User.objects.filter(email__in=emails)}, set(missing)

    def _bulk_mentors(self, program, areas, count):
        rng = random.Random(7)
        zones = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
                 "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo"]
        users, new = self._bulk_users("mentor", count)
        apps = []
        for email in sorted(new):
            cap = rng.randint(1, 5)
            apps.append(MentorApplication(
                program=program, user=users[email], email=email, name=users[email].name,
                timezone=rng.choice(zones), position=rng.choice(MentorApplication.Position.values),
                capacity=cap, minutes_per_week=30 * cap,
                involvement=rng.choice(MentorApplication.Involvement.values),
                creative_control=rng.choice(MentorApplication.CreativeControl.values),
                status=ApplicationStatus.ACCEPTED, decided_at=timezone.now(),
            ))
        with transaction.atomic():
            MentorApplication.objects.bulk_create(apps, batch_size=2000)
            created = list(MentorApplication.objects.filter(email__in=new, program=program))
            self._bulk_areas(MentorApplication, created, areas, rng)
            Mentor.objects.bulk_create(
                [Mentor(program=program, user_id=a.user_id, application=a, capacity=a.capacity)
                 for a in created],
                batch_size=2000, ignore_conflicts=True,
            )
        self.stdout.write(f"Bulk mentors: {len(new)} created, {count - len(new)} already there.")

    def _bulk_mentees(self, program, areas, count):
        rng = random.Random(11)
        zones = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago",
                 "Asia/Kolkata", "Asia/Singapore", "Africa/Lagos", "America/Sao_Paulo"]
        statuses = (["accepted"] * 6 + ["pending"] * 2 + ["waitlisted", "declined"])
        users, new = self._bulk_users("mentee", count)
        apps = []
        now = timezone.now()
        for email in sorted(new):
            hours = rng.randint(2, 20)
            status = rng.choice(statuses)
            apps.append(MenteeApplication(
                program=program, user=users[email], email=email, name=users[email].name,
                timezone=rng.choice(zones),
                occupation=rng.choice(MenteeApplication.Occupation.values),
                hours_per_week=hours, fulltime_intent=rng.choice(["yes", "yes", "maybe"]),
                goals="Get into AI safety research.", needs_funding=rng.random() < 0.3,
                flagged_low_hours=hours < program.min_hours_per_week, status=status,
                decided_at=now if status != "pending" else None,
            ))
        with transaction.atomic():
            MenteeApplication.objects.bulk_create(apps, batch_size=2000)
            created = list(MenteeApplication.objects.filter(email__in=new, program=program))
            self._bulk_areas(MenteeApplication, created, areas, rng)
            Mentee.objects.bulk_create(
                [Mentee(program=program, user_id=a.user_id, application=a)
                 for a in created if a.status == ApplicationStatus.ACCEPTED],
                batch_size=2000, ignore_conflicts=True,
            )
        self.stdout.write(f"Bulk mentees: {len(new)} created, {count - len(new)} already there.")

    @staticmethod
    def _bulk_areas(model, applications, areas, rng):
        through = model.research_areas.through
        fk = f"{model._meta.model_name}_id"
        rows = []
        for app in applications:
            for area in rng.sample(areas, rng.randint(1, 3)):
                rows.append(through(**{fk: app.pk, "researcharea_id": area.pk}))
        through.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
