"""Admin for matching runs: start one (a worker solves it while the page shows its
progress), read the proposals and their reasons a page at a time, lock or forbid pairs,
re-run, and approve all or some proposals."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format

from matching import scoring
from matching.forms.runs import RunStartForm
from matching.models import MatchingRun, Mentee, Mentor, PairRule, Program
from matching.scoping import organized_programs, scoped
from matching.services.matching import (
    DEFAULT_THRESHOLD,
    StaleRun,
    pair_rule_set,
    run_approve,
    run_explain,
    run_queue,
    run_queue_again,
    run_why_not,
)
from matching.services.matching_inputs import eligible_mentees, is_stale
from matching.tasks import solve_matching_run
from mm_program.admin_history import NoVersionPagesAdmin, ReadOnlyHistoryAdmin

from .scoping import ProgramScopedAdmin

# Rows per page of each list on the run page: a large program's run has thousands of
# proposals and unmatched mentees, and the whole page must stay small and quick.
PROPOSALS_PER_PAGE = 50
ROWS_PER_PAGE = 50
# Up to this many people, a drop-down to pick one from; beyond it, a box that takes a
# name, an email or a number (a drop-down of thousands of names weighs megabytes).
PICK_FROM_LIST_UP_TO = 300
# Shown when a name matches several people.
MATCHES_SHOWN = 5


def _matches_text(query: str, matches: list[str], role: str, more: bool) -> str:
    listed = ", ".join(matches) + (", …" if more else "")
    return (f"Several {role}s match “{query}”: {listed}. Type more of the name, or the "
            "email.")


class PersonField(forms.ModelChoiceField):
    """A mentee or a mentor of the program: picked from a drop-down while there are few,
    typed (name, email or number) when there are many."""

    def __init__(self, *, role: str, **kwargs):
        super().__init__(queryset=Mentee.objects.none(), **kwargs)
        self.role = role

    def offer(self, queryset) -> None:
        self.queryset = queryset
        self.label_from_instance = lambda person: str(person.user)
        if queryset.count() > PICK_FROM_LIST_UP_TO:
            self.widget = forms.TextInput(attrs={"size": 30, "autocomplete": "off"})
            self.help_text = "A name, an email address or a number."

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        if "\x00" in value:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if value.isascii() and value.isdigit():
            found = self.queryset.filter(pk=int(value)).first()
            if found is not None:
                return found
        people = self.queryset.select_related("user")
        matches = list(people.filter(Q(user__email__iexact=value)
                                     | Q(user__name__iexact=value))[:MATCHES_SHOWN + 1])
        if not matches:
            matches = list(people.filter(Q(user__email__icontains=value)
                                         | Q(user__name__icontains=value))[:MATCHES_SHOWN + 1])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(f"No {self.role} of this program matches “{value}”.")
        raise ValidationError(_matches_text(
            value, [str(m.user) for m in matches[:MATCHES_SHOWN]], self.role,
            len(matches) > MATCHES_SHOWN))


class PairRuleForm(forms.Form):
    mentee = PersonField(role="mentee")
    mentor = PersonField(role="mentor")
    kind = forms.ChoiceField(choices=PairRule.Kind.choices)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].offer(eligible_mentees(program))
        self.fields["mentor"].offer(
            Mentor.objects.filter(program=program, is_active=True).select_related("user"))


def _pick(people: list[dict], query: str, role: str) -> tuple[str | None, str]:
    """The person of a run a query names (an id, or a name or email, whole or in part),
    or why none could be picked."""
    if any(person["id"] == query for person in people):
        return query, ""
    needle = query.casefold()
    matches = [p for p in people if needle in (p["name"].casefold(), p["email"].casefold())]
    if not matches:
        matches = [p for p in people
                   if needle in p["name"].casefold() or needle in p["email"].casefold()]
    if len(matches) == 1:
        return matches[0]["id"], ""
    if not matches:
        return None, f"No {role} of this run matches “{query}”."
    return None, _matches_text(query, [p["name"] for p in matches[:MATCHES_SHOWN]], role,
                               len(matches) > MATCHES_SHOWN)


def status_words(run: MatchingRun) -> str:
    """Where a run is, in a sentence, for its page and the page's status requests."""
    now = timezone.now()
    if run.status == MatchingRun.Status.QUEUED:
        since = date_format(timezone.localtime(run.created_at), "TIME_FORMAT")
        return (f"Waiting for a worker since {since} "
                f"({(now - run.created_at).total_seconds():.0f} s).")
    if run.status == MatchingRun.Status.SOLVING:
        started = run.solve_started_at or run.created_at
        return (f"{run.progress or 'Solving'} (for {(now - started).total_seconds():.0f} s "
                "so far).")
    if run.status == MatchingRun.Status.FAILED:
        return run.failure or "The run failed."
    if run.solve_started_at and run.solve_finished_at:
        took = (run.solve_finished_at - run.solve_started_at).total_seconds()
        return f"Solved in {took:.1f} s."
    return "Solved."


def _paged(request, items, param: str, per_page: int, anchor: str) -> dict:
    """One page of a list, with links to the others that keep the rest of the query."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{anchor}"

    return {
        "page": page,
        "first_url": url(1) if page.has_previous() else "",
        "prev_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "last_url": url(page.paginator.num_pages) if page.has_next() else "",
    }


@admin.register(MatchingRun)
class MatchingRunAdmin(ProgramScopedAdmin, NoVersionPagesAdmin):
    list_display = ["__str__", "program", "created_by", "matched", "total", "status"]
    list_filter = ["program", "status"]
    list_select_related = ["program", "created_by"]

    def get_queryset(self, request):
        # A run keeps megabytes of inputs and unmatched reasons; no list needs them. A
        # cohort program's runs have pages of their own (their proposals name applicants).
        return super().get_queryset(request).filter(mode="").defer("inputs", "unmatched")

    @admin.display(description="matched")
    def matched(self, run):
        if not run.is_solved:
            return "—"
        return f"{run.matched_count} of {run.mentee_count}"

    @admin.display(description="total score", ordering="total_score")
    def total(self, run):
        return f"{run.total_score:.1f}" if run.is_solved else "—"

    def has_change_permission(self, request, obj=None):
        return False  # runs are records: they change only by approving

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("matching.delete_matchingrun")

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/approve/", wrap(self.approve_view), name=f"{prefix}_approve"),
            path("<int:pk>/rule/", wrap(self.rule_view), name=f"{prefix}_rule"),
            path("<int:pk>/rerun/", wrap(self.rerun_view), name=f"{prefix}_rerun"),
            path("<int:pk>/status/", wrap(self.status_view), name=f"{prefix}_status"),
            *super().get_urls(),
        ]

    def _detail_url(self, run):
        return reverse("admin:matching_matchingrun_change", args=[run.pk])

    def _run_or_404(self, request, pk, *, defer=("inputs",)):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not (str(pk).isascii() and str(pk).isdigit()):  # the change URL takes any text
            raise Http404
        runs = scoped(MatchingRun.objects.filter(mode=""), request.user).select_related(
            "program", "created_by").defer(*defer)
        return get_object_or_404(runs, pk=pk)

    def _check_add(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

    def _queued(self, request, run, done: str):
        """After queueing: the worker solves it once the transaction commits (at once,
        in this process, where tasks run eagerly)."""
        solve_matching_run.delay_on_commit(run.pk)
        run.refresh_from_db(fields=["status", "matched_count", "mentee_count", "failure"])
        if run.is_solved:
            self.message_user(request, done.format(run=run), messages.SUCCESS)
        elif run.status == MatchingRun.Status.FAILED:
            self.message_user(request, f"The run failed: {run.failure}", messages.ERROR)
        else:
            self.message_user(request, "The run is queued; this page follows it and shows "
                              "the proposals once it is solved.", messages.INFO)
        return HttpResponseRedirect(self._detail_url(run))

    # -- start a run -------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        self._check_add(request)
        last = self.get_queryset(request).order_by("-created_at", "-pk").first()
        initial = {"threshold": last.threshold if last else DEFAULT_THRESHOLD,
                   "require_shared_area": last.require_shared_area if last else True}
        programs = organized_programs(request.user)
        program = last.program if last else programs.order_by("created_at").first()
        if program:
            initial["program"] = program.pk
        weights = last.weights if last else None
        form = RunStartForm(request.POST or None, initial=initial, initial_weights=weights,
                            programs=programs)
        if request.method == "POST" and form.is_valid():
            run = run_queue(program=form.cleaned_data["program"],
                            weights=form.cleaned_data["weights"],
                            threshold=form.cleaned_data["threshold"],
                            require_shared_area=form.cleaned_data["require_shared_area"],
                            by=request.user)
            return self._queued(request, run, "Matched {run.matched_count} of "
                                "{run.mentee_count} mentees. Nothing is approved yet.")
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "title": "Start a matching run",
            "components": scoring.COMPONENTS,
        }
        return TemplateResponse(request, "admin/matching/matchingrun_start.html", context)

    # -- read a run --------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self._run_or_404(request, object_id)
        return self._render_detail(request, run)

    def status_view(self, request, pk):
        """Where the run is, for the run page's script while a worker solves it."""
        run = self._run_or_404(request, pk, defer=("inputs", "unmatched"))
        return JsonResponse({  # never cached: admin_view marks every admin response so
            "status": run.status, "label": run.get_status_display(),
            "under_way": run.is_under_way, "text": status_words(run),
        })

    def _render_detail(self, request, run, rule_form=None, status=200):
        can_approve = self.has_add_permission(request)
        rules = (
            PairRule.objects.filter(program=run.program)
            .select_related("mentee__user", "mentor__user").order_by("kind", "pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(run),
            "run": run,
            "status_words": status_words(run),
            "rules": _paged(request, rules, "rules", ROWS_PER_PAGE, "rules"),
            "rule_form": (rule_form or PairRuleForm(program=run.program)) if can_approve
            else None,
            "weights": [
                (label, run.weights.get(key, 0)) for key, label in scoring.COMPONENTS
            ],
            "can_approve": can_approve,
        }
        if run.is_solved:
            context.update(self._results(request, run))
        return TemplateResponse(request, "admin/matching/matchingrun_detail.html", context,
                                status=status)

    def _results(self, request, run) -> dict:
        """A solved run's proposals, unmatched mentees and mentors' load, a page of each,
        in the same few queries however large the run."""
        proposals = _paged(
            request,
            run.proposals.select_related("mentee__user", "mentor__user")
            .order_by("-locked", "-score", "pk"),
            "proposals", PROPOSALS_PER_PAGE, "proposals",
        )
        shown = proposals["page"].object_list
        rule_state = dict(
            ((mentee, mentor), kind) for mentee, mentor, kind in PairRule.objects.filter(
                program=run.program, mentee_id__in={p.mentee_id for p in shown},
            ).values_list("mentee_id", "mentor_id", "kind")
        )
        for p in shown:
            p.rule = rule_state.get((p.mentee_id, p.mentor_id))

        # Only the parts of the stored inputs that these lists need, not every profile.
        mentors, warnings = MatchingRun.objects.filter(pk=run.pk).values_list(
            "inputs__mentors", "inputs__warnings").get()
        proposed = dict(run.proposals.values_list("mentor_id").annotate(n=Count("pk"))
                        .values_list("mentor_id", "n"))
        load_rows = [
            {
                "name": m["name"], "capacity": m["capacity"], "load": m["load"],
                "proposed": proposed.get(int(m["id"]), 0),
                "after": m["load"] + proposed.get(int(m["id"]), 0),
            }
            for m in sorted(mentors or [], key=lambda m: m["name"].lower())
        ]

        unmatched = _paged(request, run.unmatched, "unmatched", ROWS_PER_PAGE, "unmatched")
        rows = list(unmatched["page"].object_list)
        if any("name" not in u for u in rows):  # a run stored before entries had names
            mentees = MatchingRun.objects.filter(pk=run.pk).values_list(
                "inputs__mentees", flat=True).get()
            names = {m["id"]: m["name"] for m in mentees or []}
            rows = [{**u, "name": names.get(u["mentee"], u["mentee"])} for u in rows]
        unmatched["rows"] = rows

        return {
            "stale": is_stale(run),
            "warnings": warnings or [],
            "proposals": proposals,
            "pending_count": run.proposals.filter(approved_at__isnull=True).count(),
            "unmatched": unmatched,
            "load": _paged(request, load_rows, "load", ROWS_PER_PAGE, "load"),
            **self._explained(request, run, mentors or []),
        }

    def _explained(self, request, run, mentors: list[dict]) -> dict:
        """"Why (not) this pair?": any pair of the run, explained from its stored inputs."""
        mentee_query = request.GET.get("mentee", "").strip()
        mentor_query = request.GET.get("mentor", "").strip()
        asked = bool(mentee_query and mentor_query)
        few = (run.mentee_count <= PICK_FROM_LIST_UP_TO
               and len(mentors) <= PICK_FROM_LIST_UP_TO)
        result = {"explain_mentee": mentee_query, "explain_mentor": mentor_query}
        if not (asked or few):
            return result
        # Every profile the run kept: only to explain a pair, or to list a small run's.
        mentees = run.inputs.get("mentees", [])
        if few:
            result["explain_people"] = {
                role: sorted(((p["id"], p["name"]) for p in people),
                             key=lambda p: p[1].lower())
                for role, people in (("mentees", mentees), ("mentors", mentors))
            }
        if not asked:
            return result
        mentee_id, mentee_error = _pick(mentees, mentee_query, "mentee")
        mentor_id, mentor_error = _pick(mentors, mentor_query, "mentor")
        if mentee_id is None or mentor_id is None:
            if few:  # the drop-downs only offer the run's people: a hand-made link
                return {**result, "explain_error": "Pick a mentee and a mentor who were "
                                                   "in this run."}
            return {**result, "explain_error": " ".join(filter(None, (mentee_error,
                                                                      mentor_error)))}
        explanation = run_explain(run=run, mentee_id=mentee_id, mentor_id=mentor_id)
        # Mentees and mentors are numbered apart: the same id can name one of each.
        names = ({p["id"]: p["name"] for p in mentees}[mentee_id],
                 {p["id"]: p["name"] for p in mentors}[mentor_id])
        competition = (run_why_not(run=run, mentee_id=mentee_id, mentor_id=mentor_id)
                       if explanation.allowed else None)
        return {**result, "explained": explanation, "explained_names": names,
                "competition": competition,
                "explain_mentee": mentee_id if few else names[0],
                "explain_mentor": mentor_id if few else names[1]}

    # -- act on a run ------------------------------------------------------------

    def approve_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        self._check_add(request)
        run = self._run_or_404(request, pk, defer=("inputs", "unmatched"))
        ids = None if "approve_all" in request.POST else request.POST.getlist("proposal")
        try:
            created = run_approve(run=run, by=request.user, proposal_ids=ids)
        except StaleRun as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, "Nothing was approved: " + " ".join(exc.messages),
                              messages.ERROR)
        else:
            self.message_user(
                request, f"Approved {len(created)} mentorship{'s' if len(created) != 1 else ''}."
                " Both sides of each are being emailed an introduction.", messages.SUCCESS)
        return HttpResponseRedirect(self._detail_url(run))

    def rule_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        self._check_add(request)
        run = self._run_or_404(request, pk)
        quick = request.POST.get("rule", "")
        if quick:  # a button on a proposal or rule row: "lock:<mentee>:<mentor>"
            try:
                kind, mentee_id, mentor_id = quick.split(":")
                mentee = Mentee.objects.get(pk=int(mentee_id), program=run.program)
                mentor = Mentor.objects.get(pk=int(mentor_id), program=run.program)
            except (ValueError, Mentee.DoesNotExist, Mentor.DoesNotExist):
                raise Http404 from None
            if kind not in {"lock", "forbid", "remove"}:
                raise Http404
        else:
            form = PairRuleForm(request.POST, program=run.program)
            if not form.is_valid():
                return self._render_detail(request, run, rule_form=form, status=400)
            kind, mentee, mentor = (form.cleaned_data[k] for k in ("kind", "mentee", "mentor"))
        try:
            pair_rule_set(program=run.program, mentee=mentee, mentor=mentor,
                          kind=None if kind == "remove" else kind, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            pair = f"{str(mentee.user)} – {str(mentor.user)}"
            verb = {"lock": "Locked", "forbid": "Forbade", "remove": "Removed the rule on"}[kind]
            self.message_user(request, f"{verb} {pair}. Re-run to see the effect.",
                              messages.SUCCESS)
        return HttpResponseRedirect(self._detail_url(run) + "#rules")

    def rerun_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        self._check_add(request)
        run = self._run_or_404(request, pk, defer=("inputs", "unmatched"))
        new = run_queue_again(run=run, by=request.user)
        return self._queued(request, new, "Re-ran: matched {run.matched_count} of "
                            "{run.mentee_count} mentees.")


@admin.register(PairRule)
class PairRuleAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    list_display = ["mentee", "mentor", "kind", "program", "created_by", "created_at"]
    list_filter = ["program", "kind"]
    # A mentee or mentor is shown with their program: read in the same query.
    list_select_related = ["mentee__user", "mentee__program", "mentor__user",
                           "mentor__program", "program", "created_by"]

    # Rules are made and removed on a run's page, where their effect can be seen.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
