"""The reading and action model of ``bench_paperwork.py``: how many words a page shows
(read) and folds away (skimmed), and what each action costs (the Keystroke-Level Model).
The figures and their sources are in ``bench_paperwork.py``'s docstring."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

READING_WPM = 238  # careful reading of every word (Brysbaert 2019)
SKIMMING_WPM = 450  # skimming for what matters (Rayner et al. 2016: 400-700)
M, P, K = 1.35, 1.1, 0.28
COMPOSING_SECONDS_PER_CHAR = 60 / (19 * 5)  # 19 words a minute, 5 characters a word
# Signing in: type the address and send (M, keystrokes, P), switch to the mail app and
# open the email (M, 2 P), read the code and type it (M, 9 K), send (P).
SIGN_IN_SECONDS = M + 24 * K + P + M + 2 * P + M + 9 * K + P


@dataclass
class Step:
    name: str
    words: int = 0
    # Words folded behind a closed <details> disclosure: a person reads its summary, and
    # opens it only to look for what concerns them (a list of mentors, the optional
    # questions, the organizers' password form), so they are counted as skimmed even in
    # the reading-every-word estimate; counting them as read, as before, charged a
    # mentee for text the page does not show them.
    skimmed: int = 0
    actions: list[tuple[str, float]] = field(default_factory=list)

    def read(self, html: str) -> None:
        """The page's words: the shown ones read, the folded ones skimmed."""
        html = shown_by_script(html)
        self.words += words_on(html)
        self.skimmed += folded_words_on(html)

    def type_known(self, text: str) -> None:
        self.actions.append((f"type {text!r}", M + P + K * len(text)))

    def compose(self, text: str) -> None:
        self.actions.append((f"write {len(text)} characters",
                             M + P + COMPOSING_SECONDS_PER_CHAR * len(text)))

    def pick(self, what: str, clicks: int = 1) -> None:
        self.actions.append((f"pick {what}", M + P * clicks))

    def send(self) -> None:
        self.actions.append(("send", P))

    def seconds(self, wpm: int = READING_WPM) -> float:
        return (self.words * 60 / wpm + self.skimmed * 60 / max(wpm, SKIMMING_WPM)
                + sum(cost for _, cost in self.actions))


# A closed disclosure (no ``open`` attribute): its summary is shown, the rest folded.
CLOSED_DETAILS = re.compile(r"(?is)<details\b(?![^>]*\bopen\b)[^>]*>(.*?)</details>")
SUMMARY = re.compile(r"(?is)<summary\b.*?</summary>")


def _main(html: str) -> str:
    return html[html.find("<main"):html.find("</main>")] if "<main" in html else html


BANK_GROUP = re.compile(r'<div[^>]*class="mm-bank-group"[^>]*data-kind="(\w+)"[^>]*>')
CHECKED_KIND = re.compile(r'<input[^>]*name="bank-kind"[^>]*value="(\w+)"[^>]*checked')


def shown_by_script(html: str) -> str:
    """The page as its script shows it: the bank form shows only the fields of the kind
    of account chosen (payments/stipends.js), so the other kind's are not read."""
    chosen = CHECKED_KIND.search(html)
    kind = chosen.group(1) if chosen else "iban"
    for group in reversed(list(BANK_GROUP.finditer(html))):
        if group.group(1) == kind:
            continue
        depth, at = 1, group.end()
        for tag in re.finditer(r"<(/?)div\b[^>]*>", html[at:]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                html = html[:group.start()] + html[at + tag.end():]
                break
    return html


def folded_words_on(html: str) -> int:
    """Words folded behind closed <details> disclosures (their summaries are shown)."""
    return sum(count_words(SUMMARY.sub(" ", folded.group(1)))
               for folded in CLOSED_DETAILS.finditer(_main(html)))


def words_on(html: str) -> int:
    """Words a person reads on the page: its main part, without scripts, styles,
    drop-down options (nobody reads the time-zone list), hidden fields, numbers, or
    what a closed disclosure folds away (``folded_words_on`` counts that)."""
    main = CLOSED_DETAILS.sub(lambda m: " ".join(SUMMARY.findall(m.group(1))), _main(html))
    return count_words(main)


def count_words(main: str) -> int:
    main = re.sub(r"(?is)<(script|style|select)\b.*?</\1>", " ", main)
    main = re.sub(r'(?is)<[^>]*class="[^"]*visually-hidden[^"]*"[^>]*>.*?</[^>]+>', " ", main)
    # What the page hides (the meetings outside the chosen period).
    main = re.sub(r"(?is)<(li|p|div|span)\b[^>]*\shidden\b[^>]*>.*?</\1>", " ", main)
    # The honeypot field people never see.
    main = re.sub(r'(?is)<div[^>]*aria-hidden="true"[^>]*>.*?</div>\s*</div>', " ", main)
    text = unescape(re.sub(r"(?s)<[^>]+>", " ", main))
    # Words, not numbers: a 1-to-10 scale's buttons are seen at a glance, not read.
    return len([word for word in re.findall(r"\w+", text) if not word.isdigit()])
