"""The validation framework: verification checks decide a case, observed-trend checks are
reported as reproduced or not; the report and the CLI exit code say so."""

from __future__ import annotations

import math

from nakmodel.validation_framework import Case, Check, run_cases, write_report


def _case(name, checks):
    return Case(name=name, title=name, run=lambda outdir: checks)


def test_checks_pass_by_tolerance_or_range():
    assert Check("a", 1.0, reference=1.05, rel_tol=0.1).passed
    assert not Check("a", 1.0, reference=1.2, rel_tol=0.1).passed
    assert Check("a", 1.0, reference=1.2, abs_tol=0.3).passed
    assert Check.within("b", 2.0, 1.0, 3.0).passed
    assert not Check.within("b", math.nan, 1.0, 3.0).passed
    assert not Check("no reference", 1.0).passed


def test_an_unreproduced_trend_is_reported_not_failed(tmp_path):
    trend_missed = Check.within("peak grows", 0.98, 1.05, 1e9, observation=True)
    trend_hit = Check.within("capacity falls", 0.5, 0.0, 0.999, observation=True)
    hard = Check("inventory", 1.0, reference=1.0, rel_tol=0.01)
    outcomes = run_cases([_case("trend_case", [hard, trend_missed, trend_hit]),
                          _case("broken", [Check("x", 2.0, reference=1.0, rel_tol=0.1)])],
                         tmp_path)
    trend, broken = outcomes
    assert trend.passed and not broken.passed
    assert [c.verdict for c in trend.trends] == ["NOT reproduced", "reproduced"]
    report = write_report(outcomes, tmp_path).read_text()
    assert "1 of 2 cases pass" in report
    assert "Observed experimental trends: 1 of 2 reproduced." in report
    assert "| trend_case | peak grows | 0.98 |" in report and "NOT reproduced" in report


def test_a_case_with_only_trend_checks_or_an_error(tmp_path):
    def boom(outdir):
        raise RuntimeError("solver exploded")

    outcomes = run_cases([_case("only_trends", [Check.within("t", 0.0, 1.0, 2.0,
                                                             observation=True)]),
                          Case(name="err", title="err", run=boom)], tmp_path)
    only, err = outcomes
    assert only.passed  # the trend is reported, no verification check failed
    assert not err.passed and "solver exploded" in err.error
