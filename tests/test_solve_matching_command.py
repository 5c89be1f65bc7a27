"""`manage.py solve_matching`: JSON in, JSON out, and a named error for malformed input."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parent.parent

PROBLEM = {
    "mentors": [
        {"id": "t1", "capacity": 1},
        {"id": "t2", "capacity": 2},
        {"id": "t0", "capacity": 0},
    ],
    "mentees": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
    "scores": [
        {"mentee": "a", "mentor": "t1", "score": 9},
        {"mentee": "a", "mentor": "t2", "score": 1.5},
        {"mentee": "b", "mentor": "t1", "score": 2},
        {"mentee": "c", "mentor": "t2", "score": 0.25},
        {"mentee": "c", "mentor": "t0", "score": 100},
        {"mentee": "d", "mentor": "t2", "score": 7},
    ],
    "locked": [{"mentee": "d", "mentor": "t2"}],
    "forbidden": [{"mentee": "a", "mentor": "t1"}],
}


def write(tmp_path: Path, data, name: str = "problem.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("solve_matching", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_writes_the_optimal_result(tmp_path):
    problem = write(tmp_path, PROBLEM)
    result_path = tmp_path / "result.json"
    summary = run("--input", str(problem), "--output", str(result_path))
    result = json.loads(result_path.read_text())
    # a may not have t1 (forbidden), d is locked to t2, so t2 has one seat left for a or c:
    # b->t1 is then the only way to match three, and a (1.5) beats c (0.25) for t2.
    assert result["assignments"] == [
        {"mentee": "a", "mentor": "t2", "score": 1.5},
        {"mentee": "b", "mentor": "t1", "score": 2.0},
        {"mentee": "d", "mentor": "t2", "score": 7.0},
    ]
    assert result["unassigned"] == ["c"]
    assert result["total_score"] == 10.5
    assert set(result["stats"]) == {"solve_seconds"}
    assert "3 matched, 1 unassigned" in summary


def test_prints_to_stdout_without_output_or_with_dash(tmp_path):
    problem = write(tmp_path, PROBLEM)
    default = json.loads(run("--input", str(problem)))
    dash = json.loads(run("--input", str(problem), "--output", "-"))
    assert default["assignments"] == dash["assignments"]
    assert default["total_score"] == 10.5


def test_locked_and_forbidden_may_be_left_out(tmp_path):
    problem = {key: PROBLEM[key] for key in ("mentors", "mentees", "scores")}
    result = json.loads(run("--input", str(write(tmp_path, problem))))
    # Three seats (t0 has none): a->t1 with c, d on t2 (16.25) beats b->t1 with a, d (10.5).
    assert [(a["mentee"], a["mentor"]) for a in result["assignments"]] == [
        ("a", "t1"),
        ("c", "t2"),
        ("d", "t2"),
    ]
    assert result["unassigned"] == ["b"]
    assert result["total_score"] == 16.25


def test_empty_problem(tmp_path):
    problem = {"mentors": [], "mentees": [], "scores": [], "locked": [], "forbidden": []}
    result = json.loads(run("--input", str(write(tmp_path, problem))))
    assert result["assignments"] == [] and result["unassigned"] == []
    assert result["total_score"] == 0


def with_change(**change):
    return {**PROBLEM, **change}


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("{not json", "invalid JSON at line 1 column 2"),
        ([], "the problem must be a JSON object, got list"),
        ({"mentors": [], "mentees": []}, "missing key 'scores'"),
        (with_change(forbiden=[]), "unknown key 'forbiden'"),
        (with_change(mentees={"a": 1}), "'mentees' must be a list, got dict"),
        (with_change(mentees=["a"]), "mentees[0]: expected an object, got 'a'"),
        (with_change(mentors=[{"id": "t1"}]), "mentors[0]: missing key 'capacity'"),
        (
            with_change(scores=[{"mentee": "a", "mentor": "t1"}]),
            "scores[0]: missing key 'score'",
        ),
        (
            with_change(scores=[{"mentee": "m-9", "mentor": "t1", "score": 1}]),
            "scores[0]: unknown mentee 'm-9'",
        ),
        (
            with_change(scores=[{"mentee": "a", "mentor": "nobody", "score": 1}]),
            "scores[0]: unknown mentor 'nobody'",
        ),
        (with_change(mentees=[{"id": 3}]), "mentees[0]: mentee id must be a string, got 3"),
        (
            with_change(mentors=[{"id": "t1", "capacity": -1}]),
            "mentor 't1': capacity must be 0 or more, got -1",
        ),
        (
            with_change(mentors=[{"id": "t1", "capacity": "2"}]),
            "mentor 't1': capacity must be a whole number, got '2'",
        ),
        (
            with_change(mentees=[{"id": "a"}, {"id": "a"}]),
            "mentees[1]: duplicate mentee id 'a' (also mentees[0])",
        ),
        (
            with_change(scores=[*PROBLEM["scores"], {"mentee": "a", "mentor": "t1", "score": 3}]),
            "duplicate pair mentee 'a' / mentor 't1' in scores (scores[0] and scores[6])",
        ),
        (
            with_change(scores=[{"mentee": "a", "mentor": "t1", "score": "9"}]),
            "scores[0]: score must be a number, got '9'",
        ),
        (
            with_change(forbidden=[{"mentee": "d", "mentor": "t2"}]),
            "pair mentee 'd' / mentor 't2' is both locked and forbidden",
        ),
        (
            with_change(locked=[{"mentee": "b", "mentor": "t1"}, {"mentee": "c", "mentor": "t1"}]),
            "mentor 't1': 2 locked mentees exceed capacity 1",
        ),
        (
            with_change(locked=[{"mentee": "c", "mentor": "t0"}]),
            "mentor 't0': 1 locked mentees exceed capacity 0",
        ),
        (
            with_change(locked=[{"mentee": "d", "mentor": "t2"}, {"mentee": "d", "mentor": "t1"}]),
            "mentee 'd' is locked to two mentors: 't2' (locked[0]) and 't1' (locked[1])",
        ),
    ],
)
def test_malformed_input_is_refused_with_a_named_problem(tmp_path, problem, message):
    path = write(tmp_path, problem)
    output = tmp_path / "result.json"
    with pytest.raises(CommandError) as raised:
        run("--input", str(path), "--output", str(output))
    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    assert not output.exists()


def test_a_missing_input_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="cannot read .*nowhere.json"):
        run("--input", str(tmp_path / "nowhere.json"))


def manage_py(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "solve_matching", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_exits_non_zero_with_the_message_on_stderr(tmp_path):
    path = write(tmp_path, with_change(mentors=[{"id": "t1", "capacity": -1}]))
    output = tmp_path / "result.json"
    process = manage_py("--input", str(path), "--output", str(output))
    assert process.returncode != 0
    assert "mentor 't1': capacity must be 0 or more, got -1" in process.stderr
    assert not output.exists()


def test_runs_as_a_real_command(tmp_path):
    path = write(tmp_path, PROBLEM)
    output = tmp_path / "result.json"
    process = manage_py("--input", str(path), "--output", str(output))
    assert process.returncode == 0, process.stderr
    assert json.loads(output.read_text())["total_score"] == 10.5
