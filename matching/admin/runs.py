"""Admin for matching runs: start one, read the proposals and their reasons, lock or
forbid pairs, re-run, and approve all or some proposals."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from matching import scoring
from matching.models import MatchingRun, Mentee, Mentor, PairRule, Program
from matching.services.matching import (
    DEFAULT_THRESHOLD,
    StaleRun,
    eligible_mentees,
    is_stale,
    pair_rule_set,
    rerun,
    run_approve,
    run_matching,
    run_table,
)
from mm_program.admin_history import NoVersionPagesAdmin, ReadOnlyHistoryAdmin


def _person(user) -> str:
    return user.name or user.email


class RunStartForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.all())
    threshold = forms.FloatField(
        min_value=0, max_value=100, initial=DEFAULT_THRESHOLD,
        help_text="Pairs scoring below this (0–100) are never proposed, unless locked.",
    )

    def __init__(self, *args, initial_weights: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = initial_weights or scoring.Weights().to_dict()
        for key, label in scoring.COMPONENTS:
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=f"Weight: {label.lower()}", min_value=0, max_value=100,
                initial=defaults.get(key, 0),
            )

    def clean(self):
        data = super().clean()
        try:
            data["weights"] = scoring.Weights.from_dict(
                {key: data[f"weight_{key}"] for key, _ in scoring.COMPONENTS
                 if data.get(f"weight_{key}") is not None}
            )
        except (ValueError, KeyError) as exc:
            raise ValidationError(str(exc)) from exc
        return data


class PairRuleForm(forms.Form):
    mentee = forms.ModelChoiceField(queryset=Mentee.objects.none())
    mentor = forms.ModelChoiceField(queryset=Mentor.objects.none())
    kind = forms.ChoiceField(choices=PairRule.Kind.choices)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = eligible_mentees(program)
        self.fields["mentee"].label_from_instance = lambda m: _person(m.user)
        self.fields["mentor"].queryset = Mentor.objects.filter(
            program=program, is_active=True
        ).select_related("user")
        self.fields["mentor"].label_from_instance = lambda m: _person(m.user)


@admin.register(MatchingRun)
class MatchingRunAdmin(NoVersionPagesAdmin):
    list_display = ["__str__", "program", "created_by", "matched", "total", "status"]
    list_filter = ["program", "status"]
    list_select_related = ["program", "created_by"]

    @admin.display(description="matched")
    def matched(self, run):
        return f"{run.matched_count} of {run.mentee_count}"

    @admin.display(description="total score", ordering="total_score")
    def total(self, run):
        return f"{run.total_score:.1f}"

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
            *super().get_urls(),
        ]

    def _detail_url(self, run):
        return reverse("admin:matching_matchingrun_change", args=[run.pk])

    def _run_or_404(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(MatchingRun.objects.select_related("program"), pk=pk)

    def _check_add(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

    # -- start a run -------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        self._check_add(request)
        last = MatchingRun.objects.order_by("-created_at", "-pk").first()
        initial = {"threshold": last.threshold if last else DEFAULT_THRESHOLD}
        program = last.program if last else Program.objects.order_by("created_at").first()
        if program:
            initial["program"] = program.pk
        weights = last.weights if last else None
        form = RunStartForm(request.POST or None, initial=initial, initial_weights=weights)
        if request.method == "POST" and form.is_valid():
            run = run_matching(program=form.cleaned_data["program"],
                               weights=form.cleaned_data["weights"],
                               threshold=form.cleaned_data["threshold"], by=request.user)
            self.message_user(request, f"Matched {run.matched_count} of {run.mentee_count} "
                              "mentees. Nothing is approved yet.", messages.SUCCESS)
            return HttpResponseRedirect(self._detail_url(run))
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

    def _render_detail(self, request, run, rule_form=None, status=200):
        proposals = list(
            run.proposals.select_related("mentee__user", "mentor__user", "mentorship")
            .order_by("-locked", "-score", "pk")
        )
        mentee_names = {m["id"]: m["name"] for m in run.inputs.get("mentees", [])}
        mentors = run.inputs.get("mentors", [])
        proposed_per_mentor: dict[str, int] = {}
        for p in proposals:
            proposed_per_mentor[str(p.mentor_id)] = proposed_per_mentor.get(
                str(p.mentor_id), 0) + 1
        load_rows = [
            {
                "name": m["name"], "capacity": m["capacity"], "load": m["load"],
                "proposed": proposed_per_mentor.get(m["id"], 0),
                "after": m["load"] + proposed_per_mentor.get(m["id"], 0),
            }
            for m in sorted(mentors, key=lambda m: m["name"].lower())
        ]
        rules = (
            PairRule.objects.filter(program=run.program)
            .select_related("mentee__user", "mentor__user").order_by("kind", "pk")
        )
        rule_state = {(r.mentee_id, r.mentor_id): r.kind for r in rules}
        for p in proposals:
            p.rule = rule_state.get((p.mentee_id, p.mentor_id))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(run),
            "run": run,
            "stale": is_stale(run),
            "proposals": proposals,
            "pending_count": sum(1 for p in proposals if p.approved_at is None),
            "unmatched": [
                {"name": mentee_names.get(u["mentee"], u["mentee"]), "reason": u["reason"]}
                for u in run.unmatched
            ],
            "load_rows": load_rows,
            "rules": rules,
            "rule_form": rule_form or PairRuleForm(program=run.program),
            "weights": [
                (label, run.weights.get(key, 0)) for key, label in scoring.COMPONENTS
            ],
            "can_approve": self.has_add_permission(request),
            **self._explained(request, run),
        }
        return TemplateResponse(request, "admin/matching/matchingrun_detail.html", context,
                                status=status)

    def _explained(self, request, run) -> dict:
        """"Why (not) this pair?": any pair of the run, explained from its stored inputs."""
        people = {
            "mentees": sorted(((m["id"], m["name"]) for m in run.inputs.get("mentees", [])),
                              key=lambda p: p[1].lower()),
            "mentors": sorted(((m["id"], m["name"]) for m in run.inputs.get("mentors", [])),
                              key=lambda p: p[1].lower()),
        }
        mentee, mentor = request.GET.get("mentee"), request.GET.get("mentor")
        if not (mentee and mentor):
            return {"explain_people": people}
        try:
            explanation = run_table(run).explain(mentee, mentor)
        except KeyError:
            return {"explain_people": people,
                    "explain_error": "Pick a mentee and a mentor who were in this run."}
        # Mentees and mentors are numbered apart: the same id can name one of each.
        return {"explain_people": people, "explained": explanation,
                "explained_names": (dict(people["mentees"])[mentee],
                                    dict(people["mentors"])[mentor])}

    # -- act on a run ------------------------------------------------------------

    def approve_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        self._check_add(request)
        run = self._run_or_404(request, pk)
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
            pair = f"{_person(mentee.user)} – {_person(mentor.user)}"
            verb = {"lock": "Locked", "forbid": "Forbade", "remove": "Removed the rule on"}[kind]
            self.message_user(request, f"{verb} {pair}. Re-run to see the effect.",
                              messages.SUCCESS)
        return HttpResponseRedirect(self._detail_url(run) + "#rules")

    def rerun_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        self._check_add(request)
        run = self._run_or_404(request, pk)
        new = rerun(run, by=request.user)
        self.message_user(request, f"Re-ran: matched {new.matched_count} of "
                          f"{new.mentee_count} mentees.", messages.SUCCESS)
        return HttpResponseRedirect(self._detail_url(new))


@admin.register(PairRule)
class PairRuleAdmin(ReadOnlyHistoryAdmin):
    list_display = ["mentee", "mentor", "kind", "program", "created_by", "created_at"]
    list_filter = ["program", "kind"]
    list_select_related = ["mentee__user", "mentor__user", "program", "created_by"]

    # Rules are made and removed on a run's page, where their effect can be seen.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

