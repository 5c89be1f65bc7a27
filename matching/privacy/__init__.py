"""What matching holds about a person, for the ground's privacy duties: the data export,
erasure and the retention job (``mm_program.privacy.hooks``). Registered on import, from
``MatchingConfig.ready()``."""

from mm_program.models import User
from mm_program.privacy.hooks import Erasing, ErasurePlan, PrivacyHooks, register

from . import (  # noqa: F401  (retention registers its rule)
    cohort,
    cohort_phases,
    erasure,
    export,
    retention,
)


@register
class MatchingPrivacy(PrivacyHooks):
    def addresses(self, user: User) -> set[str]:
        return {app.email for app in erasure.applications_of(user)}

    def names(self, user: User) -> list[str]:
        return [app.name for app in erasure.applications_of(user)]

    def export(self, user: User) -> dict:
        return {**export.sections(user), "cohort": cohort.export_section(user),
                "cohort_phases": cohort_phases.export_section(user)}

    def plan(self, user: User, plan: ErasurePlan) -> None:
        erasure.plan(user, plan)
        cohort.plan(user, plan)

    def erase(self, erasing: Erasing) -> dict[str, int]:
        return {**erasure.erase(erasing), "cohort": cohort.erase(erasing.user),
                "cohort_phases": cohort_phases.erase(erasing.user)}

    def scrub_copies(self, erasing: Erasing) -> int:
        return erasure.scrub_copies(erasing)

    def scrub_texts_by_others(self, erasing: Erasing) -> int:
        return erasure.scrub_texts_by_others(erasing)

    def keeps(self, user: User, *, ignoring=None) -> bool:
        return erasure.keeps(user, ignoring=ignoring)
