from __future__ import annotations

import pytest

from scoring import Grader


@pytest.fixture(scope="session")
def grader() -> Grader:
    return Grader()
