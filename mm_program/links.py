"""Links that act for a person are made when the email is sent, never stored.

A survey link answers as the person, an invitation link confirms and signs them in, a
pause link changes their settings. Whoever can read such a link can act as its owner, so
the message log must never hold one, at any status. An email's context carries a
``PersonalLink`` instead: a reference (a registered builder's name and its arguments,
such as a mentorship's id) that renders as a random placeholder. The log keeps the text
with the placeholder and the reference beside it (``Message.links``); the mail worker
builds the real link just before it hands the email to the mail server, and it is never
written back.

Each app registers the builders of its own links:

    @personal_link("mentee-invitation", label="invitation link")
    def _invitation_link(mentorship_id: int) -> str:
        return absolute_url(reverse("invitation", args=[invitation_token(mentorship_id)]))

A builder whose object is gone (an invitation withdrawn before the email went out)
raises ``LinkGone``: the message is cancelled rather than sent with a dead link.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\[personal-link-[0-9a-f]{16}\]")


class LinkGone(LookupError):
    """What the link would act on no longer exists: nothing to send."""


@dataclass(frozen=True)
class Builder:
    build: Callable[..., str]
    label: str


BUILDERS: dict[str, Builder] = {}


def personal_link(name: str, *, label: str):
    """Register the builder of one kind of personal link (one per name)."""

    def register(fn: Callable[..., str]) -> Callable[..., str]:
        if name in BUILDERS and BUILDERS[name].build is not fn:
            raise ValueError(f"Two builders for the personal link {name!r}")
        BUILDERS[name] = Builder(build=fn, label=label)
        return fn

    return register


class PersonalLink(str):
    """A reference to a personal link; as a string, an unguessable placeholder.

    The placeholder is random, so text someone else typed into the same email (a name)
    cannot name a link to be filled in.
    """

    name: str
    args: tuple

    def __new__(cls, name: str, *args: int | str) -> PersonalLink:
        if name not in BUILDERS:
            raise LookupError(f"No builder registered for the personal link {name!r}")
        link = super().__new__(cls, f"[personal-link-{secrets.token_hex(8)}]")
        link.name = name
        link.args = args
        return link

    def reference(self) -> list:
        return [self.name, list(self.args)]


def references(values) -> dict[str, list]:
    """{placeholder: [builder name, args]} for the personal links among `values`."""
    return {str(v): v.reference() for v in values if isinstance(v, PersonalLink)}


def build(reference: list) -> str:
    name, args = reference
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise LookupError(f"No builder registered for the personal link {name!r}") from None
    return builder.build(*args)


def fill(text: str, links: dict[str, str]) -> str:
    """`text` with each placeholder replaced by its link."""
    for placeholder, url in links.items():
        text = text.replace(placeholder, url)
    return text


def describe(text: str, refs: dict[str, list]) -> str:
    """`text` with each placeholder named for a reader ("[survey link: made when sent]")."""
    for placeholder, (name, _args) in refs.items():
        label = BUILDERS[name].label if name in BUILDERS else name
        text = text.replace(placeholder, f"[{label}: made when sent, never stored]")
    return text
