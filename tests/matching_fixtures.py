"""The cast of most matching-run tests (a pytest plugin, listed in conftest.py)."""

import pytest

from .matching_helpers import accepted_mentee, accepted_mentor


@pytest.fixture
def cast(program):
    """Two mentors with one place each, three mentees who want them: one is left out."""
    ines = accepted_mentor(program, "Ines Interp", areas=("Interpretability", "Evals"))
    gil = accepted_mentor(program, "Gil Gov", areas=("Governance",), tz="America/New_York")
    ada = accepted_mentee(program, "Ada A", areas=("Interpretability", "Evals"))
    bob = accepted_mentee(program, "Bob B", areas=("Governance",), tz="America/Chicago")
    cy = accepted_mentee(program, "Cy C", areas=("Interpretability",), hours=3)
    return {"ines": ines, "gil": gil, "ada": ada, "bob": bob, "cy": cy}
