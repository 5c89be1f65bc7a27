"""Solve a matching problem from a JSON file, offline (no database involved).

    python manage.py solve_matching --input problem.json --output result.json
    python manage.py solve_matching --input problem.json            # result on stdout

problem.json::

    {"mentors":   [{"id": "t1", "capacity": 2}],
     "mentees":   [{"id": "e1"}],
     "scores":    [{"mentee": "e1", "mentor": "t1", "score": 0.8}],
     "locked":    [{"mentee": "e1", "mentor": "t1"}],      (optional)
     "forbidden": [{"mentee": "e1", "mentor": "t2"}]}     (optional)

Only pairs listed in "scores", or locked, may be matched; ids are strings; capacities are
what each mentor has left. The result is::

    {"assignments": [{"mentee", "mentor", "score"}], "unassigned": [ids],
     "total_score": number, "stats": {"solve_seconds": number}}

A malformed problem exits non-zero with a message naming what is wrong.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from matching.solver import ProblemError, problem_from_dict, solution_to_dict, solve


def _read_json(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {source}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{source}: not UTF-8 text ({error.reason})") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{source}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error


class Command(BaseCommand):
    help = "Solve a mentor–mentee matching problem given as JSON and write the result as JSON."

    # Offline use: the problem file is all it needs, so don't run checks that need settings
    # or a database to be in order.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--input", dest="source", required=True, help="problem JSON file, or - for stdin"
        )
        parser.add_argument(
            "--output", default="-", help="result JSON file, or - for stdout (the default)"
        )

    def handle(self, *args, source: str, output: str, **options) -> None:
        """Read the problem, solve it and write the result (replacing ``--output``)."""
        data = _read_json(source)
        try:
            solution = solve(problem_from_dict(data))
        except ProblemError as error:
            raise CommandError(f"{'stdin' if source == '-' else source}: {error}") from error
        text = json.dumps(solution_to_dict(solution), indent=2, ensure_ascii=False) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror or error}") from error
        self.stdout.write(
            f"{solution.matched} matched, {len(solution.unassigned)} unassigned, "
            f"total score {solution.total_score} -> {output}"
        )
