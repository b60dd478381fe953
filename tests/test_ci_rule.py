"""One CI rule for platformctl's tests and the skeleton's: CI is on unless CI is unset, "", "0" or "false"."""

from __future__ import annotations

import pytest

from tests.conftest import running_in_ci


@pytest.mark.parametrize(
    ("value", "on"),
    [(None, False), ("", False), ("0", False), ("false", False), ("False", False), ("true", True), ("1", True), ("yes", True)],
)
def test_ci_is_on_for_any_value_but_empty_zero_or_false(value: str | None, on: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert running_in_ci() is on, f"CI={value!r}"
