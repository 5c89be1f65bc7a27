"""Stable matching with quotas, independent of Django: applicant-proposing deferred
acceptance (Gale–Shapley, Roth's college-admissions form), and the blocking pairs of any
assignment.

Applicants list the mentors they would take, best first; each mentor orders the
applicants they would take (lower position = preferred) and has a quota. Only pairs on
both lists are possible. Deferred acceptance gives the applicant-optimal stable
assignment: no applicant and mentor both prefer each other to what they got. The optimal
solver (``matching.solver``) may place more people or score more in total, at the price of
such blocking pairs; ``blocking_pairs`` counts them, so organizers see the trade.

Locked pairs are placed first and take a place of their mentor's quota; forbidden pairs
are struck from both lists. A locked applicant never blocks and is never displaced (the
organizers decided them).

Deterministic: ties cannot occur (positions are distinct per mentor), and applicants
propose in sorted id order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Market:
    """``prefs``: applicant → mentors, best first. ``order``: mentor → {applicant:
    position}, lower preferred. ``quotas``: mentor → places."""

    prefs: Mapping[str, Sequence[str]]
    order: Mapping[str, Mapping[str, float]]
    quotas: Mapping[str, int]
    locked: tuple[tuple[str, str], ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()

    def lists(self) -> dict[str, list[str]]:
        """Each unlocked applicant's list, kept to the mentors who would take them."""
        forbidden, locked = set(self.forbidden), {a for a, _ in self.locked}
        return {applicant: [m for m in mentors
                            if applicant in self.order.get(m, {})
                            and (applicant, m) not in forbidden]
                for applicant, mentors in sorted(self.prefs.items())
                if applicant not in locked}


def deferred_acceptance(market: Market) -> dict[str, str]:
    """The applicant-proposing stable assignment {applicant: mentor}, locked pairs
    included."""
    room = dict(market.quotas)
    assigned = {}
    for applicant, mentor in market.locked:
        assigned[applicant] = mentor
        room[mentor] = room.get(mentor, 0) - 1
    lists = market.lists()
    next_choice = dict.fromkeys(lists, 0)
    # Each mentor's tentative holds as a max-heap of (-position, applicant): the worst on top.
    held: dict[str, list[tuple[float, str]]] = {m: [] for m in market.quotas}
    free = list(reversed(sorted(lists)))  # popped from the end: sorted order
    while free:
        applicant = free.pop()
        choices = lists[applicant]
        while next_choice[applicant] < len(choices):
            mentor = choices[next_choice[applicant]]
            next_choice[applicant] += 1
            if room.get(mentor, 0) <= 0:
                continue
            heap = held.setdefault(mentor, [])
            position = market.order[mentor][applicant]
            if len(heap) < room[mentor]:
                heapq.heappush(heap, (-position, applicant))
                break
            worst_position, worst = -heap[0][0], heap[0][1]
            if position < worst_position:
                heapq.heapreplace(heap, (-position, applicant))
                free.append(worst)
                break
    for mentor, heap in held.items():
        for _, applicant in heap:
            assigned[applicant] = mentor
    return dict(sorted(assigned.items()))


def blocking_pairs(market: Market, assignment: Mapping[str, str]) -> list[tuple[str, str]]:
    """The pairs (applicant, mentor) who would both rather be together than with what
    ``assignment`` gives them: the applicant ranks the mentor above their own (or has
    none), and the mentor has a place left or holds someone they rank lower (not a locked
    one). Sorted."""
    locked = {a for a, _ in market.locked}
    holding: dict[str, list[str]] = {}
    for applicant, mentor in assignment.items():
        holding.setdefault(mentor, []).append(applicant)
    pairs = []
    for applicant, mentors in market.lists().items():
        current = assignment.get(applicant)
        for mentor in mentors:
            if mentor == current:
                break  # the rest of the list is worse than what they have
            if _would_take(market, mentor, applicant, holding.get(mentor, []), locked):
                pairs.append((applicant, mentor))
    return sorted(pairs)


def _would_take(market: Market, mentor: str, applicant: str, holds: Iterable[str],
                locked: set[str]) -> bool:
    holds = list(holds)
    if len(holds) < market.quotas.get(mentor, 0):
        return True
    order = market.order[mentor]
    position = order[applicant]
    return any(other not in locked and order.get(other, float("inf")) > position
               for other in holds)
