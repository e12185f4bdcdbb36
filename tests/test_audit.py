"""The issue #17 audit (tests/audit_cases.py): every bad input or fault gives a clear error.

For a CLI case: the expected exit status, no traceback, only ``error:`` lines
(plus a protocol caret line or argparse's usage line), each expected fragment
present, and nothing written where the case says so.  For an API case: the
expected exception type with every fragment in its message.  A case that
asserts acceptance argues why in its ``why`` text (required).
"""

from __future__ import annotations

import importlib.util

import pytest
from audit_cases import all_cases

CASES = all_cases()


def test_the_audit_has_at_least_the_204_cases_of_the_issue():
    assert len(CASES) >= 204
    groups = {c.group for c in CASES}
    assert groups >= {"protocol", "sweep", "parameters", "units", "paths", "cli", "api", "fault"}
    assert all(c.why for c in CASES if c.accepted), "an accepted case must argue why"


def _check_stderr(case, stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "no error message"
    argparse_usage = any(line.startswith("usage:") for line in lines)
    for line in lines:
        ok = (line.startswith("error: ") or line.startswith("  ")  # a caret / usage continuation
              or line.startswith("usage:") or (argparse_usage and "error:" in line))
        assert ok, f"not an error line: {line!r}\n{stderr}"
    if case.lines is not None:
        assert sum(line.startswith("error: ") for line in lines) == case.lines, stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_audit_case(case, tmp_path):
    if case.extra.get("needs") and importlib.util.find_spec(case.extra["needs"]) is None:
        pytest.skip(f"{case.extra['needs']} is not installed")
    if case.kind == "cli":
        status, stdout, stderr = case.run(tmp_path)
        assert status == case.exit, f"exit {status}, expected {case.exit}\n{stderr}{stdout}"
        if not case.accepted:
            _check_stderr(case, stderr)
        for fragment in case.fragments:
            assert fragment in stderr, f"{fragment!r} not in:\n{stderr}"
        if case.check is not None:
            case.check(tmp_path, (status, stdout, stderr))
        return
    if case.accepted:
        value = case.run(tmp_path)
        if case.check is not None:
            case.check(tmp_path, value)
        return
    with pytest.raises(case.raises) as info:
        case.run(tmp_path)
    text = str(info.value)
    for fragment in case.fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    if case.check is not None:
        case.check(tmp_path, info.value)
