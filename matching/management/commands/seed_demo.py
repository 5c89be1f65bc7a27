"""Build a believable demo program, or a large one for benchmarks.

    python manage.py seed_demo                      # the demo program, idempotent
    python manage.py seed_demo --mentees 10000 --mentors 500   # plus bulk data

The demo program has applications at every triage stage, and mentorships at every stage
(invited, just started, running with meetings, quiet for weeks, paused, ending this
month, completed with a final project, ended early), made through the mentorship
services with dates in the past. It also leaves accepted mentees unmatched and mentors
with free places, so that a matching run has something to propose.

Running it again changes nothing that is already there.
"""

import calendar
import random
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from matching.cohort_demo import REVIEWER, seed_cohort_demo
from matching.cohort_scale import seed_cohort_bulk
from matching.demo_data import (
    BULK_DOMAIN,
    COHORT_ORGANIZER_EMAIL,
    DEMO_MENTEE,
    DEMO_MENTOR,
    DEMO_PASSWORD,
    INVITED,
    MENTEE_PREFERENCES,
    MENTEES,
    MENTOR_PROFILES,
    MENTORS,
    OFFICER_EMAIL,
    ORGANIZER_EMAIL,
    STORIES,
    WITHDRAWN,
    Story,
    email_for,
)
from matching.models import (
    MINUTES_PER_MENTEE,
    ApplicationStatus,
    FinalProject,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
    Program,
    ResearchArea,
)
from matching.program_demo import (
    seed_announcements_demo,
    seed_program_page_demo,
    seed_redirect_targets,
)
from matching.services import mentorships as services
from mm_program.roles import ORGANIZERS, PAYMENTS_OFFICERS, ensure_roles
from payments.demo import seed_cohort_grants_demo, seed_payments_demo
from surveys.demo import seed_cohort_surveys_demo, seed_surveys_demo

User = get_user_model()



class Command(BaseCommand):
    help = "Create a believable demo program (idempotent); --mentees/--mentors add bulk data."

    def add_arguments(self, parser):
        parser.add_argument("--mentees", type=int, default=0,
                            help="Also create this many synthetic mentee applications.")
        parser.add_argument("--mentors", type=int, default=0,
                            help="Also create this many synthetic accepted mentors.")
        parser.add_argument("--cohort-applicants", type=int, default=0,
                            help="Also build a synthetic cohort with this many applicants.")
        parser.add_argument("--cohort-mentors", type=int, default=50,
                            help="Mentors of that synthetic cohort (default 50).")
        parser.add_argument("--force", action="store_true",
                            help="Run even with DEBUG off (never on a real program).")

    def handle(self, *args, mentees, mentors, force, cohort_applicants, cohort_mentors,
               **options):
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
        # The demo's people are fictional: the services record their introductions in the
        # message log as usual, but an in-process delivery (no broker) goes to memory
        # rather than filling this command's output with a dozen emails.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
                transaction.atomic():
            self._preload(program)
            organizer = self._staff(ORGANIZER_EMAIL, "Olivia Organizer", ORGANIZERS)
            officer = self._staff(OFFICER_EMAIL, "Pat Payments", PAYMENTS_OFFICERS)
            demo_mentors = self._demo_mentors(program, areas, organizer)
            self._redirects = seed_redirect_targets(program)
            demo_mentees = self._demo_mentees(program, areas, organizer, demo_mentors)
            self._demo_mentorships(program, areas, demo_mentors, demo_mentees, organizer)
            # Stipends at every status and answered surveys (so the impact dashboard has
            # figures on first run) stand on the mentorships above.
            seed_payments_demo(program, organizer=organizer, officer=officer)
            seed_surveys_demo(program)
            seed_announcements_demo(program, organizer=organizer)
            seed_program_page_demo(program)
            # Beside the rolling program, a cohort run the MATS way, at its selection stage.
            cohort_program = seed_cohort_demo(organizer=organizer)
            # Olivia runs both programs; Casey only the cohort (matching/scoping.py).
            for each in (program, cohort_program):
                each.organizers.add(organizer)
            cohort_program.organizers.add(self._staff(
                COHORT_ORGANIZER_EMAIL, "Casey Cohort", ORGANIZERS))
            seed_cohort_surveys_demo(cohort_program)
            # Its phases' grants: one paid, one requested (after the organizers are set).
            seed_cohort_grants_demo(cohort_program, organizer=organizer, officer=officer)
            for name in (DEMO_MENTOR, DEMO_MENTEE):
                self._can_sign_in(self._users[email_for(name)])
        if mentors:
            self._bulk_mentors(program, list(areas.values()), mentors)
        if mentees:
            self._bulk_mentees(program, list(areas.values()), mentees)
        if cohort_applicants > 0 and cohort_mentors > 0:
            seed_cohort_bulk(applicants=cohort_applicants, mentors=cohort_mentors
                             ).organizers.add(User.objects.get(email=ORGANIZER_EMAIL))
        self._summary(program)
        self.stdout.write(
            f"Cohort program '{cohort_program.name}': the mentors at /cohorts/"
            f"{cohort_program.slug}/, the organizers' steps at /organizers/cohorts/"
            f"{cohort_program.slug}/; {email_for(DEMO_MENTOR)} reviews there too, and "
            f"{email_for(REVIEWER)} / {DEMO_PASSWORD} is its extra reviewer.")

    def _summary(self, program):
        by_status = dict(
            Mentorship.objects.filter(program=program).values_list("status")
            .annotate(n=Count("pk")).values_list("status", "n")
        )
        waiting = Mentee.objects.filter(
            program=program, application__status=ApplicationStatus.ACCEPTED,
        ).exclude(mentorships__status__in=[s for s in MentorshipStatus.values
                                           if s != MentorshipStatus.DECLINED]).count()
        free = sum(
            max(0, m.capacity - m.load) for m in Mentor.objects.filter(
                program=program, is_active=True,
            ).with_load()
        )
        stages = ", ".join(f"{by_status[s]} {s.replace('_', ' ')}"
                           for s in MentorshipStatus.values if by_status.get(s))
        self.stdout.write(self.style.SUCCESS(
            f"Demo program '{program.name}': "
            f"{MentorApplication.objects.filter(program=program).count()} mentor and "
            f"{MenteeApplication.objects.filter(program=program).count()} mentee "
            f"applications; mentorships: {stages or 'none'}.\n"
            f"Ready for a matching run: {waiting} accepted mentees without a mentor, "
            f"{free} free mentor places."
        ))
        self.stdout.write(
            f"Organizer sign-in: {ORGANIZER_EMAIL} / {DEMO_PASSWORD}  (or ask for a code)\n"
            f"Payments officer:  {OFFICER_EMAIL} / {DEMO_PASSWORD}\n"
            f"Mentor:            {email_for(DEMO_MENTOR)} / {DEMO_PASSWORD}  "
            "(an invitation, a running mentorship with meetings, a completed one)\n"
            f"Mentee:            {email_for(DEMO_MENTEE)} / {DEMO_PASSWORD}  "
            "(a running mentorship with meetings)"
        )

    # --- people ---------------------------------------------------------------------

    def _preload(self, program):
        """What the demo already has, in a few queries, so that a second run is cheap."""
        emails = [ORGANIZER_EMAIL, OFFICER_EMAIL]
        emails += [email_for(row[0]) for row in MENTORS + MENTEES]
        self._users = {u.email: u for u in User.objects.filter(email__in=emails)}
        self._addresses = set(
            EmailAddress.objects.filter(email__in=emails).values_list("email", flat=True))
        self._mentor_apps = {
            a.email: a for a in MentorApplication.objects.filter(
                program=program, email__in=emails).order_by("submitted_at")
        }
        self._mentee_apps = {
            a.email: a for a in MenteeApplication.objects.filter(
                program=program, email__in=emails,
            ).prefetch_related("preferred_mentors").order_by("submitted_at")
        }
        self._mentors = {m.user_id: m for m in Mentor.objects.filter(
            program=program, user__email__in=emails)}
        self._mentees = {m.user_id: m for m in Mentee.objects.filter(
            program=program, user__email__in=emails)}

    def _user(self, email, name):
        user = self._users.get(email)
        if user is None:
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            self._users[email] = user
        if email not in self._addresses:
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
            self._addresses.add(email)
        return user

    def _staff(self, email, name, group_name):
        user = self._user(email, name)
        if not user.is_staff or not user.has_usable_password():
            user.is_staff = True
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not user.groups.filter(name=group_name).exists():
            user.groups.add(Group.objects.get(name=group_name))
        return user

    @staticmethod
    def _can_sign_in(user):
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])

    @staticmethod
    def _fill_blanks(app, values):
        """Give an application made by an older seed the answers it lacks, once."""
        changed = [key for key, value in values.items() if value and not getattr(app, key)]
        for key in changed:
            setattr(app, key, values[key])
        if changed:
            app.save(update_fields=changed)

    def _demo_mentors(self, program, areas, organizer):
        now = timezone.now()
        mentors = {}
        for i, (name, zone, position, org, area_slugs, capacity, involvement, control,
                notes) in enumerate(MENTORS):
            email = email_for(name)
            user = self._user(email, name)
            profile = MENTOR_PROFILES.get(name, {})
            app = self._mentor_apps.get(email)
            if app is None:
                app = MentorApplication.objects.create(
                    program=program, email=email, user=user, name=name, timezone=zone,
                    position=position, organization=org, capacity=capacity,
                    minutes_per_week=MINUTES_PER_MENTEE * capacity, involvement=involvement,
                    creative_control=control, style_notes=notes, heard_about="A colleague",
                    status=ApplicationStatus.ACCEPTED, decided_by=organizer,
                    decided_at=now - timedelta(days=60 - i), **profile,
                )
                app.research_areas.set([areas[s] for s in area_slugs])
                MentorApplication.objects.filter(pk=app.pk).update(
                    submitted_at=now - timedelta(days=75 - i))
            else:
                self._fill_blanks(app, profile)
            mentor = self._mentors.get(user.pk)
            if mentor is None:
                mentor = Mentor.objects.create(program=program, user=user, application=app,
                                               capacity=capacity)
            mentors[name] = mentor
        return mentors

    def _demo_mentees(self, program, areas, organizer, mentors):
        now = timezone.now()
        mentees = {}
        for i, (name, zone, occupation, field_, area_slugs, hours, intent, funding, status,
                redirect_to, goals) in enumerate(MENTEES):
            email = email_for(name)
            user = self._user(email, name)
            involvement, control, preferred, conflicts = MENTEE_PREFERENCES.get(
                name, ("", "", [], ""))
            preferences = dict(preferred_involvement=involvement, preferred_control=control,
                               conflicts=conflicts)
            preferred_mentors = [mentors[n] for n in preferred]
            decided = status != ApplicationStatus.PENDING
            app = self._mentee_apps.get(email)
            if app is None:
                app = MenteeApplication.objects.create(
                    program=program, email=email,
                    user=user, name=name, timezone=zone, occupation=occupation,
                    field_of_study=field_, hours_per_week=hours, fulltime_intent=intent,
                    goals=goals, needs_funding=funding,
                    funding_reason="I'd otherwise need a second job." if funding else "",
                    courses_done=["agisf_alignment"] if i % 2 == 0 else [],
                    heard_about="AGI Safety Fundamentals" if i % 3 else "LessWrong",
                    flagged_low_hours=hours < program.min_hours_per_week,
                    status=status, redirect_to=self._redirects.get(redirect_to),
                    decided_by=organizer if decided else None,
                    decided_at=now - timedelta(days=40 - i) if decided else None,
                    decision_message="AGISF's next cohort starts soon; come back after it."
                    if redirect_to == "AGISF" else "",
                    organizer_notes="Strong writing sample." if i % 4 == 0 else "",
                    **preferences,
                )
                app.research_areas.set([areas[s] for s in area_slugs])
                app.preferred_mentors.set(preferred_mentors)
                MenteeApplication.objects.filter(pk=app.pk).update(
                    submitted_at=now - timedelta(days=50 - i))
            else:
                self._fill_blanks(app, preferences)
                if preferred_mentors and not app.preferred_mentors.all():
                    app.preferred_mentors.set(preferred_mentors)
            if status == ApplicationStatus.ACCEPTED:
                mentee = self._mentees.get(user.pk)
                if mentee is None:
                    mentee = Mentee.objects.create(program=program, user=user,
                                                   application=app)
                mentees[name] = mentee
        return mentees

    # --- mentorships ----------------------------------------------------------------

    def _demo_mentorships(self, program, areas, mentors, mentees, organizer):
        """Every stage of a mentorship, through the services, with dates in the past.

        A story whose mentorship exists (in any status) is left alone; one the services
        refuse (say, a matching run already matched that mentee) is skipped with a note.
        """
        demo_mentors = [m.pk for m in mentors.values()]
        rows = Mentorship.objects.filter(mentor__in=demo_mentors)
        existing = set(rows.values_list("mentor__user__email", "mentee__user__email"))
        # An invitation names nobody's account, only what the mentor typed.
        invited = set(rows.values_list("mentor__user__email", "invited_name"))
        today = timezone.localdate()
        for (mentor_name, invitee, invitee_email), withdraw in ((INVITED, False),
                                                                (WITHDRAWN, True)):
            if (email_for(mentor_name), invitee) in invited:
                continue

            def invite(mentor=mentors[mentor_name], name=invitee, email=invitee_email,
                       withdraw=withdraw):
                m = services.mentorship_invite(mentor=mentor, name=name, email=email,
                                               start_date=today)
                if withdraw:
                    services.invitation_decline(mentorship=m)

            self._story(f"{mentor_name} → {invitee}", invite)
        for story in STORIES:
            if (email_for(story.mentor), email_for(story.mentee)) in existing:
                continue
            self._story(f"{story.mentor} → {story.mentee}", lambda s=story: self._tell(
                s, mentors[s.mentor], mentees[s.mentee], areas, organizer, today))

    def _story(self, label, make):
        try:
            with transaction.atomic():
                make()
        except ValidationError as exc:
            self.stderr.write(f"Skipped the demo mentorship {label}: {' '.join(exc.messages)}")

    @staticmethod
    def _tell(story: Story, mentor, mentee, areas, organizer, today: date):
        start = today - timedelta(days=story.started_days_ago)
        m = services.mentorship_create(mentor=mentor, mentee=mentee, source=story.source,
                                       created_by=organizer, start_date=start)
        introduced = timezone.now() - timedelta(days=story.started_days_ago)
        backdated = {"created_at": introduced, "introduced_at": introduced}
        # The mentee applied and was accepted before the mentorship began.
        MenteeApplication.objects.filter(
            pk=mentee.application_id, submitted_at__gt=introduced - timedelta(days=14),
        ).update(submitted_at=introduced - timedelta(days=21),
                 decided_at=introduced - timedelta(days=10))
        if story.terms is not None:
            terms = dict(story.terms)
            focus_areas = [areas[s] for s in terms.pop("areas", []) if s in areas]
            if story.ends_this_month:
                last = calendar.monthrange(today.year, today.month)[1]
                terms["planned_end_date"] = min(today + timedelta(days=10),
                                                today.replace(day=last))
            services.terms_record(mentorship=m, by=mentor.user, focus_areas=focus_areas,
                                  **terms)
            first_call = story.meetings[0][0] if story.meetings else story.started_days_ago
            backdated["terms_recorded_at"] = timezone.now() - timedelta(days=first_call)
        for days_ago, minutes, on_track, note in story.meetings:
            services.meeting_log(mentorship=m, by=mentor.user, minutes=minutes,
                                 on_track=on_track, note=note,
                                 meeting_date=today - timedelta(days=days_ago))
        if story.final_project:
            # Recorded by the mentee on their page; there is no service for it (yet).
            FinalProject.objects.create(mentorship=m, **story.final_project)
        # Timestamps the services set to "now", moved to when they would have happened.
        Mentorship.objects.filter(pk=m.pk).update(**backdated)
        if story.ending:
            kind, *details = story.ending
            if kind == "pause":
                services.mentorship_pause(mentorship=m)
            elif kind == "complete":
                days_ago, steps, notes = details
                services.mentorship_complete(mentorship=m, next_steps=steps, notes=notes,
                                             ended_on=today - timedelta(days=days_ago),
                                             by=m.mentor.user)
            elif kind == "end_early":
                days_ago, reason, notes = details
                services.mentorship_end_early(mentorship=m, reason=reason, notes=notes,
                                              ended_on=today - timedelta(days=days_ago),
                                              by=m.mentor.user)

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
        stages = MenteeApplication.Occupation.values
        users, new = self._bulk_users("mentor", count)
        apps = []
        for email in sorted(new):
            cap = rng.randint(1, 5)
            apps.append(MentorApplication(
                program=program, user=users[email], email=email, name=users[email].name,
                timezone=rng.choice(zones), position=rng.choice(MentorApplication.Position.values),
                capacity=cap, minutes_per_week=MINUTES_PER_MENTEE * cap,
                involvement=rng.choice(MentorApplication.Involvement.values),
                creative_control=rng.choice(MentorApplication.CreativeControl.values),
                excluded_stages=rng.sample(stages, rng.choice([0, 0, 0, 1, 2])),
                listed_for_applicants=rng.random() < 0.5,
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
                preferred_involvement=rng.choice(["", "", "hands_on", "balanced",
                                                  "high_level"]),
                preferred_control=rng.choice(["", "", "mentee", "shared", "mentor"]),
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
