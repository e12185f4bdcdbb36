"""Protocol language: typed steps, parsing, caret errors, round trips, setpoints."""

import dataclasses
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nakmodel.errors import ParameterError
from nakmodel.protocol import (
    CapacityLimit,
    CurrentLimit,
    Hold,
    Liquidus,
    Plate,
    Protocol,
    PulseTrain,
    Ramp,
    Rest,
    SolidCoverage,
    Staircase,
    Strip,
    TimeLimit,
    VoltageLimit,
    parse_step,
)

MA_CM2 = 10.0  # A/m^2
MAH_CM2 = 36000.0  # C/m^2


def close(a, b, rel=1e-9):
    """Structural equality of steps/terminations with floats compared to ``rel``."""
    if type(a) is not type(b):
        return False
    if dataclasses.is_dataclass(a):
        return all(close(getattr(a, f.name), getattr(b, f.name), rel)
                   for f in dataclasses.fields(a))
    if isinstance(a, tuple):
        return len(a) == len(b) and all(close(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)
    return a == b


GOOD = [
    ("Strip at 0.4 mA/cm2 for 1 h", Strip(0.4 * MA_CM2, 3600.0)),
    ("Plate at 0.4 mA/cm2 until 2 mAh/cm2", Plate(4.0, until=(CapacityLimit(2 * MAH_CM2),))),
    ("Rest for 10 min", Rest(600.0)),
    ("Strip at 1 mA/cm2 until liquidus", Strip(10.0, until=(Liquidus(),))),
    ("Strip at 0.5 mA/cm2 for 2 h or until 1 V",
     Strip(5.0, 7200.0, (VoltageLimit(1.0, "above"),))),
    ("Ramp stripping from 0.1 to 2 mA/cm2 at 0.05 mA/cm2 per 60 s until 1 V",
     Ramp(1.0, 20.0, 0.5 / 60.0, "strip", 60.0, (VoltageLimit(1.0, "above"),))),
    ("Staircase stripping 0.2, 0.4, 0.7, 1.0 mA/cm2 for 1 h each",
     Staircase((2.0, 4.0, 7.0, 10.0), 3600.0, "strip")),
    ("Hold at 10 mV for 30 min", Hold(0.01, 1800.0)),
    ("Pulse stripping at 1 mA/cm2 for 10 s on, 10 s off, 20 times",
     PulseTrain(10.0, 10.0, 10.0, 20, "strip")),
    ("Plate at 0.4 mA/cm2 for 3 h or until -0.5 V",
     Plate(4.0, 3 * 3600.0, (VoltageLimit(-0.5, "below"),))),
    ("Ramp plating from 0 to 1 mA/cm2 at 0.001 mA/cm2/s",
     Ramp(0.0, 10.0, 0.01, "plate")),
    ("Ramp stripping from 2 to 0.5 mA/cm2 at -0.1 mA/cm2 per 5 min",
     Ramp(20.0, 5.0, -1.0 / 300.0, "strip", 300.0)),
    ("Staircase plating 0.2, 0.4 mA/cm2 for 30 min each with 10 min rest between until -1 V",
     Staircase((2.0, 4.0), 1800.0, "plate", 600.0, (VoltageLimit(-1.0, "below"),))),
    ("Hold at -10 mV until current below 0.001 mA/cm2 or time 2 h",
     Hold(-0.01, None, (CurrentLimit(0.01, "below"), TimeLimit(7200.0)))),
    ("Rest until above 0.5 V or below 100 mV",
     Rest(None, (VoltageLimit(0.5, "above"), VoltageLimit(0.1, "below")))),
    ("Strip at 1 mA/cm2 until solid coverage 50 %", Strip(10.0, until=(SolidCoverage(0.5),))),
    ("plate at 4 A/m^2 for 3600 s", Plate(4.0, 3600.0)),
    ("STRIP AT 0.4 mA/cm² for 1.5 h or until 1 V or 2 mAh/cm2 or the liquidus",
     Strip(4.0, 5400.0, (VoltageLimit(1.0, "above"), CapacityLimit(72000.0), Liquidus()))),
    ("Plate at 0.4 mA cm-2 until 2 mAh cm^-2", Plate(4.0, until=(CapacityLimit(72000.0),))),
    ("Ramp plating from 0 to 1 mA cm-2 at 0.001 mA cm-2 s-1", Ramp(0.0, 10.0, 0.01, "plate")),
    ("Pulse plating at 2 mA/cm2 for 1 s on, 0 s off, 3 times until below -0.2 V",
     PulseTrain(20.0, 1.0, 0.0, 3, "plate", (VoltageLimit(-0.2, "below"),))),
]


@pytest.mark.parametrize("text, expected", GOOD, ids=[g[0] for g in GOOD])
def test_parse_good_strings(text, expected):
    step = parse_step(text)
    assert close(step, expected), (step, expected)
    # and the rendering parses back to the same step
    assert close(parse_step(str(step)), step)


def test_repeat_and_multiline():
    p = Protocol.parse("Repeat 3 times: [Strip at 1 mA/cm2 for 1 h; Rest for 10 min]\n"
                       "Plate at 1 mA/cm2 for 30 min")
    assert [type(s) for s in p] == [Strip, Rest] * 3 + [Plate]
    assert p.total_duration == pytest.approx(3 * 4200.0 + 1800.0)
    assert p.start_times()[-1] == pytest.approx(3 * 4200.0)
    assert len(p) == 7 and close(p[6], Plate(10.0, 1800.0))
    assert close(Protocol.parse(str(p)).steps, p.steps)
    assert close(Protocol.parse(p.to_strings()).steps, p.steps)
    mixed = Protocol.parse([Rest(60.0), "Strip at 1 mA/cm2 until liquidus"])
    assert math.isinf(mixed.total_duration)


# (text, token the caret must underline, words the message must contain)
BAD = [
    ("Strip at 0.4 mA for 1 h", "0.4 mA", "current density"),
    ("Strip 0.4 mA/cm2 for 1 h", "0.4", "'at'"),
    ("Strip at 0.4 mA/cm2", None, "'for <time>' or 'until"),
    ("Rest until 2 mAh/cm2", "2 mAh/cm2", "capacity limit"),
    ("Rest for -10 min", "-10 min", "positive"),
    ("Jump at 1 mA/cm2 for 1 h", "Jump", "Strip, Plate, Rest"),
    ("Strip at 1 mA/cm2 until 1 V or banana", "banana", "termination"),
    ("Ramp stripping from 2 to 0.1 mA/cm2 at 0.05 mA/cm2 per 60 s", "0.05 mA/cm2 per 60 s",
     "sign"),
    ("Hold at 10 mV until 1 V", "1 V", "'above' or 'below'"),
    ("Strip at 1 mA/cm2 until above 0.5 V or below 1 V", "above 0.5 V or below 1 V",
     "exclude"),
    ("Pulse stripping at 1 mA/cm2 for 10 s on, 10 s off, 2.5 times", "2.5", "whole number"),
    ("Strip at 1 mA/cm2 for 1 h #", "#", "unexpected character"),
    ("Strip at 1 mA/cm2 until 1 V extra", "extra", "end of the step"),
    ("Strip at -1 mA/cm2 for 1 h", "-1 mA/cm2", "Strip.current_density"),
    ("Strip at 1 mA/cm2 until current below 0.1 mA/cm2", "current below 0.1 mA/cm2", "Hold"),
    ("Staircase stripping 0.2, 0.4 mA/cm2 for 1 h", None, "'each'"),
    ("Repeat 2 times: [Rest for 1 min", None, "']'"),
    ("Strip at 1 mA/cm2 until solid coverage 2", "solid coverage 2", "(0, 1]"),
    ("Hold at 1 V for 1 h until above 2 V", "above 2 V", "voltage is imposed"),
    ("Strip at 1 mA/cm2 for 2 kg", "2 kg", "time"),
    ("Ramp stripping from 1 to 1 mA/cm2 at 0.1 mA/cm2/s", "0.1 mA/cm2/s", "sign"),
    # terminations that contradict the step or can never trigger (issue #3)
    ("Strip at 1 mA/cm2 until -1 V", "-1 V", "Strip.until[0]: stripping drives"),
    ("Plate at 1 mA/cm2 until 1 V", "1 V", "Plate.until[0]: plating drives"),
    ("Strip at 1 mA/cm2 until 0 V", "0 V", "'above 1 V' (V > 0)"),
    ("Strip at 1 mA/cm2 until liquidus or below 0.5 V", "below 0.5 V",
     "Strip.until[1]: stripping drives"),
    ("Plate at 0.4 mA/cm2 for 2 h or until above -0.5 V", "above -0.5 V",
     "'below -1 V' (V < 0)"),
    ("Staircase plating 0.2, 0.4 mA/cm2 for 30 min each until 1 V", "1 V",
     "Staircase.until[0]: plating drives"),
    ("Ramp stripping from 0 to 1 mA/cm2 at 0.001 mA/cm2/s until -0.2 V", "-0.2 V",
     "Ramp.until[0]: stripping drives"),
    ("Pulse plating at 1 mA/cm2 for 10 s on, 5 s off, 3 times until above 1 V", "above 1 V",
     "PulseTrain.until[0]: plating drives"),
    ("Strip at 1 mA/cm2 for 1 h until 2 h", "2 h", "time limit never triggers"),
    ("Rest for 10 min or until time 10 min", "time 10 min", "shorter than 10 min"),
    ("Ramp stripping from 0 to 1 mA/cm2 at 0.001 mA/cm2/s until time 2000 s", "time 2000 s",
     "shorter than 1000 s"),
    ("Strip at 1 mA/cm2 until -2 mAh/cm2", "-2 mAh/cm2", "must be positive"),
]


@pytest.mark.parametrize("text, token, words", BAD, ids=[b[0] for b in BAD])
def test_bad_strings_point_at_the_token(text, token, words):
    with pytest.raises(ParameterError) as info:
        Protocol.parse([text])
    problem = info.value.problems[0]
    assert problem.key == "protocol[0]"
    message = str(info.value)
    assert words in message
    lines = problem.message.splitlines()
    shown, carets = lines[-2], lines[-1]
    assert shown.strip() == text
    start = carets.index("^")
    width = len(carets) - start
    offset = shown.index(text)
    underlined = shown[start:start + width]
    if token is None:  # the end of the text
        assert start - offset == len(text)
    else:
        assert underlined == token and start - offset == text.index(token)


@pytest.mark.parametrize(
    "make, key",
    [
        (lambda: Rest(600.0, until=(CapacityLimit(1.0),)), "Rest.until[0]"),
        (lambda: Strip(10.0), "Strip.duration"),  # never ends
        (lambda: Strip(10.0, -5.0), "Strip.duration"),
        (lambda: Ramp(1.0, 2.0, -0.1), "Ramp.rate"),
        (lambda: Ramp(2.0, 1.0, 0.1), "Ramp.rate"),
        (lambda: Strip(10.0, until=(VoltageLimit(0.2, "above"), VoltageLimit(0.5, "below"))),
         "Strip.until"),
        (lambda: Hold(0.1, 60.0, until=(VoltageLimit(0.2, "above"),)), "Hold.until[0]"),
        (lambda: Strip(10.0, 60.0, until=(CurrentLimit(1.0),)), "Strip.until[0]"),
        (lambda: PulseTrain(10.0, 1.0, 1.0, 0), "PulseTrain.count"),
        (lambda: Staircase((), 60.0), "Staircase.levels"),
        (lambda: VoltageLimit(1.0, "sideways"), "VoltageLimit.direction"),
        (lambda: Protocol(("Rest for 1 min",)), "protocol[0]"),
        (lambda: Strip(10.0, until=(VoltageLimit(-1.0, "above"),)), "Strip.until[0]"),
        (lambda: Strip(10.0, until=(VoltageLimit(1.0, "below"),)), "Strip.until[0]"),
        (lambda: Plate(10.0, until=(VoltageLimit(1.0, "below"),)), "Plate.until[0]"),
        (lambda: Plate(10.0, until=(Liquidus(), VoltageLimit(-1.0, "above"))),
         "Plate.until[1]"),
        (lambda: Staircase((1.0, 2.0), 60.0, "plate", until=(VoltageLimit(0.5, "above"),)),
         "Staircase.until[0]"),
        (lambda: Ramp(0.0, 1.0, 0.01, "strip", until=(VoltageLimit(-0.1, "below"),)),
         "Ramp.until[0]"),
        (lambda: PulseTrain(10.0, 1.0, 1.0, 3, "plate", until=(VoltageLimit(0.1, "above"),)),
         "PulseTrain.until[0]"),
        (lambda: Strip(10.0, 3600.0, (TimeLimit(7200.0),)), "Strip.until[0]"),
        (lambda: Hold(0.01, 60.0, until=(TimeLimit(60.0),)), "Hold.until[0]"),
    ],
)
def test_typed_contradictions(make, key):
    with pytest.raises(ParameterError) as info:
        make()
    assert info.value.problems[0].key == key


@pytest.mark.parametrize("make", [
    lambda: Strip(10.0, until=(VoltageLimit(1e-3, "above"),)),
    lambda: Plate(10.0, until=(VoltageLimit(-1e-3, "below"),)),
    lambda: Strip(10.0, 3600.0, (TimeLimit(3599.0), CapacityLimit(36000.0))),  # reachable
    lambda: Strip(10.0, 3600.0, (CapacityLimit(1e6),)),  # a safety cap: harmless
    lambda: Rest(60.0, (VoltageLimit(-0.5, "above"), VoltageLimit(-1.0, "below"))),
    lambda: Hold(0.01, 60.0, until=(CapacityLimit(1e9), TimeLimit(30.0))),  # charge unknown
    lambda: Staircase((1.0, 2.0), 60.0, "plate", 30.0, (VoltageLimit(-0.5, "below"),)),
])
def test_reachable_terminations_are_accepted(make):
    assert make().until


def test_step_sign_is_the_direction_of_the_current():
    from nakmodel.protocol import step_sign

    assert step_sign(Strip(1.0, 1.0)) == 1.0 and step_sign(Plate(1.0, 1.0)) == -1.0
    assert step_sign(Ramp(0.0, 1.0, 0.1, "plate")) == -1.0  # starts at 0 A/m^2
    assert step_sign(Staircase((1.0,), 1.0, "strip")) == 1.0
    assert step_sign(PulseTrain(1.0, 1.0, 1.0, 1, "plate")) == -1.0
    assert step_sign(Rest(1.0)) == 0.0 and step_sign(Hold(0.1, 1.0)) == 0.0


def _study_protocols(node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "protocol":
                yield where + "." + key, value
            else:
                yield from _study_protocols(value, f"{where}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _study_protocols(value, f"{where}[{k}]")


def test_every_study_protocol_stays_valid():
    import pathlib
    import tomllib

    studies = sorted((pathlib.Path(__file__).parents[1] / "studies").glob("*.toml"))
    found = []
    for path in studies:
        for where, protocol in _study_protocols(tomllib.loads(path.read_text()), path.name):
            found.append(where)
            assert len(Protocol.parse(protocol)) >= 1, where
    assert len(studies) >= 10 and len(found) >= 2  # the walk found the study protocols


def test_every_study_loads_and_its_ccd_protocols_parse():
    import pathlib

    from nakmodel.study import load_study

    studies = sorted((pathlib.Path(__file__).parents[1] / "studies").glob("*.toml"))
    scans = 0
    for path in studies:
        study = load_study(path)  # validates the [simulation] protocol strings too
        if hasattr(study.options, "protocol") and hasattr(study.options, "directions"):
            for d in study.options.directions:
                assert len(Protocol.parse(study.options.protocol(d))) >= 1, (path.name, d)
                scans += 1
    assert scans >= 5


@pytest.mark.parametrize("direction", ["strip", "plate"])
@pytest.mark.parametrize("staircase", [False, True])
def test_ccd_scan_protocols_stay_valid(direction, staircase):
    from types import SimpleNamespace

    from nakmodel.study.ccd import ScanOptions

    options = SimpleNamespace(staircase=(10.0, 20.0) if staircase else (), rest_between=30.0,
                              voltage_limit=1.0, stop_at_liquidus=True, hold=60.0, start=1.0,
                              stop=30.0, step=1.0, rest_after=60.0)
    steps = Protocol.parse(ScanOptions.protocol(options, direction))
    assert len(steps) == 2 and steps[0].until[0].volts == (1.0 if direction == "strip" else -1.0)


def test_typed_steps_accept_unit_strings():
    assert close(Strip("0.4 mA/cm^2", "1 h"), Strip(4.0, 3600.0))
    assert close(Hold("10 mV", "30 min"), Hold(0.01, 1800.0))
    assert close(Strip(4.0, until=CapacityLimit("2 mAh/cm^2")), Strip(4.0, until=(
        CapacityLimit(72000.0),)))


def test_signs_and_values():
    assert Strip(4.0, 60.0).value(10.0) == 4.0 and Strip.mode == "current"
    assert Plate(4.0, 60.0).value(10.0) == -4.0
    assert Rest(60.0).value(1.0) == 0.0
    assert Hold(0.02, 60.0).value(5.0) == 0.02 and Hold.mode == "voltage"


def test_linear_ramp_value_and_duration():
    r = Ramp(1.0, 20.0, 0.01, "plate")
    assert r.duration == pytest.approx(1900.0)
    for t in (0.0, 100.0, 950.0, 1900.0):
        assert r.value(t) == pytest.approx(-(1.0 + 0.01 * t))
    assert r.value(5000.0) == pytest.approx(-20.0)  # clipped at stop
    assert r.breakpoints() == ()


def test_stepped_ramp_levels_and_breakpoints():
    r = parse_step("Ramp stripping from 0.1 to 2 mA/cm2 at 0.05 mA/cm2 per 60 s until 1 V")
    n = round((2.0 - 0.1) / 0.05) + 1  # 39 levels including both ends
    assert len(r.levels) == n and r.duration == pytest.approx(60.0 * n)
    assert r.breakpoints() == pytest.approx([60.0 * k for k in range(1, n)])
    for k in range(n):
        mid = 60.0 * k + 30.0
        assert r.value(mid) == pytest.approx((0.1 + 0.05 * k) * MA_CM2)
    # just before and after a breakpoint the setpoint jumps by one increment
    assert r.value(120.0 + 1e-6) - r.value(120.0 - 1e-6) == pytest.approx(0.5)
    # an increment that does not divide the span: the last level is clipped to stop
    odd = Ramp(1.0, 2.0, 0.3 / 10.0, "strip", 10.0)
    assert odd.levels == pytest.approx([1.0, 1.3, 1.6, 1.9, 2.0])


def test_staircase_values_and_breakpoints():
    s = Staircase((2.0, 4.0, 7.0), 100.0, "strip", rest_between=20.0)
    assert s.duration == pytest.approx(3 * 100 + 2 * 20)
    assert s.breakpoints() == pytest.approx([100.0, 120.0, 220.0, 240.0])
    assert [s.value(t) for t in (50, 110, 150, 230, 300)] == [2.0, 0.0, 4.0, 0.0, 7.0]
    plain = Staircase((2.0, 4.0), 100.0, "plate")
    assert plain.breakpoints() == pytest.approx([100.0])
    assert plain.value(150.0) == -4.0


def test_pulse_train_values_and_breakpoints():
    p = parse_step("Pulse stripping at 1 mA/cm2 for 10 s on, 5 s off, 3 times")
    assert p.duration == pytest.approx(45.0)
    assert p.breakpoints() == pytest.approx([10.0, 15.0, 25.0, 30.0, 40.0])
    assert [p.value(t) for t in (0, 9.9, 10.1, 14.9, 15.1, 44.0)] == [10, 10, 0, 0, 10, 0]
    # charge passed = count * on * i
    dt = 0.01
    charge = sum(p.value((k + 0.5) * dt) * dt for k in range(int(45 / dt)))
    assert charge == pytest.approx(3 * 10 * 10.0, rel=1e-9)


# --- hypothesis round trips --------------------------------------------------------------
currents = st.floats(1e-3, 1e3, allow_nan=False)
times = st.floats(1.0, 1e6, allow_nan=False)
volts = st.floats(-5.0, 5.0, allow_nan=False)
direction = st.sampled_from(["strip", "plate"])
common_terms = st.one_of(
    st.builds(CapacityLimit, st.floats(1.0, 1e6)),
    st.just(Liquidus()),
    st.builds(SolidCoverage, st.floats(0.01, 1.0)),
)
# a voltage limit the step can trigger: above V > 0 when stripping, below V < 0 when plating
_reachable_volts = {"above": st.floats(1e-3, 5.0), "below": st.floats(-5.0, -1e-3)}


@st.composite
def _terms(draw, voltage_direction, duration, max_size=3):
    """Terminations the step can trigger; time limits shorter than a finite duration."""
    time_limit = (st.builds(TimeLimit, times) if math.isinf(duration)
                  else st.floats(1e-3, 0.999).map(lambda f: TimeLimit(f * duration)))
    options = [common_terms, time_limit]
    if voltage_direction is not None:
        options.append(st.builds(VoltageLimit, _reachable_volts[voltage_direction],
                                 st.just(voltage_direction)))
    return tuple(draw(st.lists(st.one_of(*options), max_size=max_size)))


@st.composite
def galvanostatic(draw):
    cls, limit = draw(st.sampled_from([(Strip, "above"), (Plate, "below")]))
    duration = draw(st.one_of(times, st.just(math.inf)))
    terms = draw(_terms(limit, duration))
    if math.isinf(duration) and not terms:
        terms = (Liquidus(),)
    return cls(draw(currents), None if math.isinf(duration) else duration, terms)


@st.composite
def rests(draw):
    duration = draw(times)
    terms = draw(_terms(None, duration, max_size=1).filter(
        lambda t: not any(isinstance(x, CapacityLimit) for x in t)))
    if draw(st.booleans()):
        terms += (VoltageLimit(draw(volts), "above"),)
    return Rest(duration, terms)


holds = st.builds(Hold, volts, times, st.lists(st.one_of(
    st.builds(CurrentLimit, currents, st.sampled_from(["above", "below"])),
    st.builds(CapacityLimit, st.floats(1.0, 1e6))), max_size=2).map(tuple))


@st.composite
def ramps(draw):
    a, b = draw(currents), draw(currents)
    if math.isclose(a, b, rel_tol=1e-6):
        b = a * 2.0
    step = draw(st.one_of(st.none(), st.floats(1.0, 3600.0)))
    # at most ~2000 levels for stepped ramps (the rate is what the user would write)
    low_rate = abs(b - a) / (2000.0 * (step or 1.0))
    rate = math.copysign(draw(st.floats(max(1e-4, low_rate), max(10.0, 2 * low_rate))), b - a)
    return Ramp(a, b, rate, draw(direction), step)


staircases = st.builds(Staircase, st.lists(currents, min_size=1, max_size=5).map(tuple), times,
                       direction, st.one_of(st.just(0.0), times))
pulses = st.builds(PulseTrain, currents, times, st.one_of(st.just(0.0), times),
                   st.integers(1, 500), direction)


@settings(max_examples=150, deadline=None)
@given(step=st.one_of(galvanostatic(), rests(), holds, ramps(), staircases, pulses))
# a duration at the edge of the whole-micro-hour test (rendered once in h, then in min)
@example(step=Hold(0.0, 377629.08517697843))
def test_round_trip_str_parse(step):
    text = str(step)
    again = parse_step(text)
    assert close(again, step), (text, again, step)
    assert str(again) == text


@settings(max_examples=50, deadline=None)
@given(step=st.one_of(ramps(), staircases, pulses))
def test_breakpoints_are_interior_and_setpoint_jumps_there(step):
    bps = step.breakpoints()
    assert all(0.0 < t < step.duration for t in bps)
    assert list(bps) == sorted(set(bps))
    for t in bps:
        eps = 1e-4  # [s]; every phase in the strategies lasts >= 1 s
        assert step.value(t - eps) != step.value(t + eps)


@settings(max_examples=60, deadline=None)
@given(step=st.one_of(ramps(), staircases, pulses, galvanostatic().filter(
    lambda s: math.isfinite(s.duration))), frac=st.floats(0.0, 1.0))
def test_charge_is_the_integral_of_the_setpoint(step, frac):
    t = frac * step.duration
    # midpoint rule on a grid that contains every breakpoint: exact for piecewise linear i(t)
    grid = sorted({0.0, t, *[b for b in step.breakpoints() if b < t]})
    q = 0.0
    for a, b in zip(grid[:-1], grid[1:], strict=True):
        q += step.value(0.5 * (a + b)) * (b - a)
    assert step.charge(t) == pytest.approx(q, rel=1e-9, abs=1e-9 * abs(step.value(t)) + 1e-12)


def test_time_at_charge():
    s = Strip(10.0, until=(CapacityLimit(72000.0),))
    assert s.time_at_charge(72000.0) == pytest.approx(7200.0)
    r = Ramp(0.0, 10.0, 0.01, "strip")  # q(t) = 0.005 t^2
    assert r.time_at_charge(0.005 * 400.0**2) == pytest.approx(400.0, rel=1e-10)
    assert math.isinf(r.time_at_charge(1e9))
    p = PulseTrain(10.0, 10.0, 5.0, 3)
    assert p.time_at_charge(250.0) == pytest.approx(2 * 15.0 + 5.0, rel=1e-10)  # 2.5 pulses
    assert math.isinf(Rest(60.0).time_at_charge(1.0))


def test_protocol_breakpoints_are_absolute():
    p = Protocol.parse(["Rest for 10 s", "Pulse stripping at 1 mA/cm2 for 2 s on, 3 s off, "
                        "2 times", "Strip at 1 mA/cm2 until liquidus", "Rest for 1 s"])
    assert p.breakpoints() == pytest.approx([10.0, 12.0, 15.0, 17.0, 20.0])


_WORDS = ["Strip", "Plate", "Rest", "Hold", "Ramp", "Staircase", "Pulse", "Repeat", "at",
          "for", "until", "or", "from", "to", "per", "each", "with", "rest", "between", "on",
          "off", "times", "stripping", "plating", "above", "below", "liquidus", "solid",
          "coverage", "current", "time", "the", "1", "-2", "0.5", "3", "mA/cm2", "mAh/cm2",
          "V", "mV", "h", "min", "s", "%", "kg", "mA cm-2", ",", ";", ":", "[", "]", "#", "1e400"]


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.sampled_from(_WORDS), max_size=14))
def test_parser_never_crashes_on_token_soup(words):
    text = " ".join(words)
    try:
        p = Protocol.parse([text])
    except ParameterError as err:
        assert "^" in str(err) or err.problems[0].key != "protocol[0]"
        return
    assert len(p) >= 1 and all(close(parse_step(str(s)), s) for s in p)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_parser_never_crashes_on_arbitrary_text(text):
    try:
        Protocol.parse([text])
    except ParameterError:
        pass


def test_plot_protocol_draws_the_setpoint():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakmodel.protocol import plot_protocol

    fig, ax = plt.subplots()
    p = Protocol.parse(["Strip at 1 mA/cm2 for 1 h", "Hold at 10 mV for 30 min",
                        "Plate at 0.5 mA/cm2 until liquidus"])
    assert plot_protocol(ax, [p], open_duration=1800.0) is ax
    strip_line, plate_line = ax.get_lines()[0], ax.get_lines()[1]
    assert set(strip_line.get_ydata()) == {1.0}  # mA/cm2
    assert set(plate_line.get_ydata()) == {-0.5}
    assert max(plate_line.get_xdata()) == pytest.approx(1.5 + 0.5)  # h, open step drawn 30 min
    plt.close(fig)


def test_study_with_a_contradictory_limit_is_rejected_when_loaded():
    from nakmodel.study import load_study

    with pytest.raises(ParameterError) as info:
        load_study({"study": {"name": "x", "kind": "simulation"},
                    "simulation": {"protocol": ["Rest for 1 min", "Plate at 1 mA/cm2 until 1 V"]}})
    assert info.value.problems[0].key == "simulation.protocol"
    assert "Plate.until[0]: plating drives" in str(info.value)


def test_durations_a_round_off_below_a_unit_render_in_that_unit():
    """Found by the round-trip property: 3599.9999999999995 s rendered '60 min' and parsed
    back as 3600 s = '1 h'."""
    assert str(Rest(3599.9999999999995)) == "Rest for 1 h"
    assert str(Rest(59.99999999999999)) == "Rest for 1 min"
    assert str(Rest(3540.0)) == "Rest for 59 min"
