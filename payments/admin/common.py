from mm_program.admin_html import badge as tone_badge

from ..models import StipendStatus

STATUS_TONES = {
    StipendStatus.SUBMITTED: "blue",
    StipendStatus.APPROVED: "amber",
    StipendStatus.REJECTED: "grey",
    StipendStatus.PAID: "green",
}


def badge(status: str, label: str):
    return tone_badge(STATUS_TONES.get(status, "grey"), label)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def person(user) -> str:
    return (user.name or user.email) if user else "—"
