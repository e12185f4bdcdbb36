"""The protocol string grammar: tokenizer, recursive-descent parser and caret messages.

See :mod:`nakmodel.protocol` for the grammar. A string that does not parse raises
:class:`~nakmodel.errors.ParameterError` with the text and ``^`` under the offending token.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..errors import InputProblem, ParameterError
from ._common import _bad
from .steps import Hold, Plate, PulseTrain, Ramp, Rest, Staircase, Step, Strip
from .terminations import (
    CapacityLimit,
    CurrentLimit,
    Liquidus,
    SolidCoverage,
    TimeLimit,
    VoltageLimit,
)

# --- the string parser -------------------------------------------------------------------
_TOKEN = re.compile(
    r"\s*(?:(?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<word>[A-Za-zµμΩ°%][\w/^*µμΩ°%²³]*(?:\^?[-−]\d+)?)"
    r"|(?P<punct>[,;:\[\]<>()]))"
)

_KEYWORDS = {
    "for", "until", "or", "at", "to", "from", "per", "each", "times", "on", "off", "with",
    "rest", "between", "above", "below", "current", "time", "solid", "coverage", "liquidus",
    "the", "and", "strip", "stripping", "plate", "plating", "repeat",
}


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokenize(text: str, key: str) -> list[_Token]:
    tokens, pos = [], 0
    stripped_end = len(text.rstrip())
    while pos < stripped_end:
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise _ParseFailure(bad, bad + 1, message=f"unexpected character {text[bad]!r}")
        kind = m.lastgroup
        tokens.append(_Token(kind, m.group(kind), m.start(kind), m.end(kind)))
        pos = m.end()
    return tokens


class _ParseFailure(Exception):
    """A parse error at text[start:end]: either 'expected X (found Y)' or a ``message``."""

    def __init__(self, start, end, expected="", found=None, message=None):
        super().__init__(message or expected)
        self.start, self.end, self.expected, self.found = start, end, expected, found
        self.message = message


def _normalise_unit(unit: str) -> str:
    unit = unit.replace("²", "^2").replace("³", "^3").replace("−", "-")
    unit = re.sub(r"(?<=[A-Za-z])\^?-(\d+)", r"^-\1", unit)  # cm-2 -> cm^-2
    unit = re.sub(r"\s+", "*", unit.strip())  # "mA cm^-2" -> "mA*cm^-2"
    unit = re.sub(r"(?<=[a-zA-Z])([23])(?![\d.])", r"^\1", unit)  # cm2 -> cm^2
    unit = re.sub(r"(?<![A-Za-z])([munµμ]?)Ah(?![a-z])", r"\1A*h", unit)  # mAh -> mA*h
    return unit


_DIMENSIONS = {
    "current": ("A/m^2", "a current density such as '0.4 mA/cm2'"),
    "time": ("s", "a time such as '1 h', '10 min' or '30 s'"),
    "voltage": ("V", "a voltage such as '1 V' or '10 mV'"),
    "capacity": ("C/m^2", "a capacity such as '2 mAh/cm2'"),
    "rate": ("A/m^2/s", "a ramp rate such as '0.001 mA/cm2/s' or '0.05 mA/cm2 per 60 s'"),
    "fraction": ("", "a fraction such as '0.5' or '50 %'"),
}


class _Parser:
    def __init__(self, text: str, key: str):
        self.text, self.key = text, key
        self.tokens = _tokenize(text, key)
        self.i = 0
        self.last_span = (0, 0)
        self.spans: dict[str, tuple[int, int]] = {}

    def mark(self, name: str) -> None:
        """Remember where the value of field ``name`` was written (for error carets)."""
        self.spans[name] = self.last_span

    # token helpers
    def peek(self, offset=0) -> _Token | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def at_word(self, *words) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and tok.text.lower() in words

    def fail(self, expected: str, tok: _Token | None = None):
        tok = tok if tok is not None else self.peek()
        if tok is None:
            end = len(self.text.rstrip())
            raise _ParseFailure(end, end + 1, expected, "the end of the text")
        raise _ParseFailure(tok.start, tok.end, expected, repr(tok.text))

    def expect_word(self, *words) -> _Token:
        if not self.at_word(*words):
            self.fail(" or ".join(f"'{w}'" for w in words))
        tok = self.peek()
        self.i += 1
        return tok

    def expect_punct(self, char) -> _Token:
        tok = self.peek()
        if tok is None or tok.kind != "punct" or tok.text != char:
            self.fail(f"'{char}'")
        self.i += 1
        return tok

    def number(self, what="a number") -> tuple[float, _Token]:
        tok = self.peek()
        if tok is None or tok.kind != "num":
            self.fail(what)
        if not math.isfinite(float(tok.text)):
            self.fail(f"{what} (finite)")
        self.i += 1
        return float(tok.text), tok

    def unit(self) -> _Token | None:
        """A unit word, possibly followed by factors with negative powers ("mA cm-2 s-1")."""
        tok = self.peek()
        if tok is None or tok.kind != "word" or tok.text.lower() in _KEYWORDS:
            return None
        self.i += 1
        parts, end = [tok.text], tok.end
        while (nxt := self.peek()) is not None and nxt.kind == "word" \
                and nxt.text.lower() not in _KEYWORDS and re.search(r"[-−]\d+$", nxt.text):
            parts.append(nxt.text)
            end = nxt.end
            self.i += 1
        return _Token("word", " ".join(parts), tok.start, end)

    def to_si(self, number: float, unit: str, kind: str, start: int, end: int) -> float:
        from ..units import dimension_differs, to_si

        si_unit, expected = _DIMENSIONS[kind]
        text = f"{number!r} {_normalise_unit(unit)}".strip()
        if dimension_differs(text, si_unit):  # refused without pint (its import costs ~1 s)
            raise _ParseFailure(start, end, expected, repr(self.text[start:end]))
        try:
            return to_si(text, si_unit, key=self.key)
        except ParameterError:
            raise _ParseFailure(start, end, expected, repr(self.text[start:end])) from None

    def quantity(self, kind: str) -> float:
        value, tok = self.number(_DIMENSIONS[kind][1])
        unit = self.unit()
        if unit is None and kind != "fraction":
            self.fail(f"a unit after {tok.text!r} ({_DIMENSIONS[kind][1]})")
        end = unit.end if unit else tok.end
        self.last_span = (tok.start, end)
        return self.to_si(value, unit.text if unit else "", kind, tok.start, end)

    def classify_quantity(self, kinds: tuple[str, ...]) -> tuple[str, float, int, int]:
        """Parse number + unit and find which of ``kinds`` its dimension matches."""
        value, tok = self.number(" or ".join(_DIMENSIONS[k][1] for k in kinds))
        unit = self.unit()
        end = unit.end if unit else tok.end
        self.last_span = (tok.start, end)
        for kind in kinds:
            try:
                return kind, self.to_si(value, unit.text if unit else "", kind, tok.start,
                                        end), tok.start, end
            except _ParseFailure:
                continue
        raise _ParseFailure(tok.start, end, " or ".join(_DIMENSIONS[k][1] for k in kinds),
                            repr(self.text[tok.start:end]))

    # grammar
    def direction(self) -> str:
        tok = self.expect_word("stripping", "plating", "strip", "plate")
        return "strip" if tok.text.lower().startswith("strip") else "plate"

    def terminations(self, default_direction: str | None) -> tuple:
        terms = []
        while True:
            start = self.peek().start if self.peek() else len(self.text)
            try:
                terms.append(self.termination(default_direction))
            except ParameterError as err:
                end = self.tokens[self.i - 1].end if self.i else start + 1
                raise _ParseFailure(start, end, message=_problems_text(err)) from None
            self.spans[f"until[{len(terms) - 1}]"] = (start, self.tokens[self.i - 1].end)
            if not self.at_word("or"):
                return tuple(terms)
            self.i += 1
            if self.at_word("until"):
                self.i += 1

    def termination(self, default_direction: str | None):
        if self.at_word("the"):
            self.i += 1
        if self.at_word("liquidus"):
            self.i += 1
            return Liquidus()
        if self.at_word("solid"):
            self.i += 1
            self.expect_word("coverage")
            return SolidCoverage(self.quantity("fraction"))
        if self.at_word("time"):
            self.i += 1
            return TimeLimit(self.quantity("time"))
        if self.at_word("current"):
            self.i += 1
            direction = self.expect_word("above", "below").text.lower()
            return CurrentLimit(self.quantity("current"), direction)
        if self.at_word("above", "below"):
            direction = self.peek().text.lower()
            self.i += 1
            return VoltageLimit(self.quantity("voltage"), direction)
        tok = self.peek()
        if tok is None or tok.kind != "num":
            self.fail("a termination: a voltage ('1 V', 'above 1 V'), a capacity ('2 mAh/cm2'),"
                      " 'liquidus', 'solid coverage 0.5', 'time 1 h' or 'current below ...'")
        kind, value, start, end = self.classify_quantity(("voltage", "capacity", "time"))
        if kind == "voltage":
            if default_direction is None:
                raise _ParseFailure(start, end, "'above' or 'below' before the voltage (the "
                                    "direction is ambiguous for this step)",
                                    repr(self.text[start:end]))
            return VoltageLimit(value, default_direction)
        if kind == "capacity":
            return CapacityLimit(value)
        return TimeLimit(value)

    def duration_and_until(self, default_direction, *, need_rate=False):
        duration, until = None, ()
        if self.at_word("for"):
            self.i += 1
            duration = self.quantity("time")
            self.mark("duration")
            if self.at_word("or") and self.peek(1) is not None \
                    and self.peek(1).text.lower() == "until":
                self.i += 1
            if self.at_word("until"):
                self.i += 1
                until = self.terminations(default_direction)
        elif self.at_word("until"):
            self.i += 1
            until = self.terminations(default_direction)
        else:
            self.fail("'for <time>' or 'until <termination>'")
        return duration, until

    def optional_until(self, default_direction):
        if self.at_word("until"):
            self.i += 1
            return self.terminations(default_direction)
        return ()

    def step(self):
        first = self.peek()
        if first is None:
            self.fail("a step: Strip, Plate, Rest, Hold, Ramp, Staircase, Pulse or Repeat")
        word = first.text.lower() if first.kind == "word" else ""
        start_index = self.i
        self.spans = {}
        if word in ("strip", "plate"):
            self.i += 1
            self.expect_word("at")
            current = self.quantity("current")
            self.mark("current_density")
            default = "above" if word == "strip" else "below"
            duration, until = self.duration_and_until(default)
            cls = Strip if word == "strip" else Plate
            return self.build(start_index, cls, current, duration, until)
        if word == "rest":
            self.i += 1
            duration, until = self.duration_and_until(None)
            return self.build(start_index, Rest, duration, until)
        if word == "hold":
            self.i += 1
            self.expect_word("at")
            voltage = self.quantity("voltage")
            self.mark("voltage")
            duration, until = self.duration_and_until(None)
            return self.build(start_index, Hold, voltage, duration, until)
        if word == "ramp":
            return self.ramp(start_index)
        if word == "staircase":
            self.i += 1
            direction = self.direction()
            numbers = [self.number("a current density")]
            while self.peek() is not None and self.peek().kind == "punct" \
                    and self.peek().text == ",":
                self.i += 1
                numbers.append(self.number("a current density"))
            unit = self.unit()
            if unit is None:
                self.fail("a current-density unit such as 'mA/cm2' after the levels")
            levels = tuple(self.to_si(v, unit.text, "current", tok.start, unit.end)
                           for v, tok in numbers)
            self.spans["levels"] = (numbers[0][1].start, unit.end)
            self.expect_word("for")
            step_duration = self.quantity("time")
            self.mark("step_duration")
            self.expect_word("each")
            rest = 0.0
            if self.at_word("with"):
                self.i += 1
                rest = self.quantity("time")
                self.mark("rest_between")
                self.expect_word("rest")
                if self.at_word("between"):
                    self.i += 1
            default = "above" if direction == "strip" else "below"
            until = self.optional_until(default)
            return self.build(start_index, Staircase, levels, step_duration, direction, rest,
                              until)
        if word in ("pulse", "pulses"):
            self.i += 1
            direction = self.direction()
            self.expect_word("at")
            current = self.quantity("current")
            self.mark("current_density")
            self.expect_word("for")
            on = self.quantity("time")
            self.mark("on")
            self.expect_word("on")
            self.expect_punct(",")
            off = self.quantity("time")
            self.mark("off")
            self.expect_word("off")
            self.expect_punct(",")
            count, tok = self.number("a whole number of pulses")
            if count != int(count) or count < 1:
                self.fail("a whole number of pulses >= 1", tok)
            self.expect_word("times")
            default = "above" if direction == "strip" else "below"
            until = self.optional_until(default)
            return self.build(start_index, PulseTrain, current, on, off, int(count), direction,
                              until)
        self.fail("a step: Strip, Plate, Rest, Hold, Ramp, Staircase, Pulse or Repeat")

    def ramp(self, start_index):
        self.i += 1
        direction = self.direction()
        self.expect_word("from")
        a, tok_a = self.number("a current density")
        unit_a = self.unit()
        self.expect_word("to")
        b, tok_b = self.number("a current density")
        unit_b = self.unit()
        if unit_b is None:
            self.fail("a current-density unit such as 'mA/cm2'")
        start = self.to_si(a, (unit_a or unit_b).text, "current", tok_a.start,
                           (unit_a or tok_a).end)
        stop = self.to_si(b, unit_b.text, "current", tok_b.start, unit_b.end)
        self.spans["start"] = (tok_a.start, (unit_a or tok_a).end)
        self.spans["stop"] = (tok_b.start, unit_b.end)
        self.expect_word("at")
        rate_start = self.peek().start if self.peek() else len(self.text)
        kind, value, _, end = self.classify_quantity(("rate", "current"))
        step_duration = None
        if kind == "current":
            if not self.at_word("per"):
                self.fail("'per <time>' after the increment (or a rate in mA/cm2/s)")
            self.i += 1
            step_duration = self.quantity("time")
            self.mark("step_duration")
            value = value / step_duration
            end = self.tokens[self.i - 1].end
        if (value > 0) != (stop > start) or value == 0:
            raise _ParseFailure(rate_start, end, "a rate whose sign matches from -> to "
                                "(positive when the ramp goes up, negative when it goes down)",
                                repr(self.text[rate_start:end]))
        default = "above" if direction == "strip" else "below"
        until = self.optional_until(default)
        return self.build(start_index, Ramp, start, stop, value, direction, step_duration,
                          until)

    def build(self, start_index, cls, *args):
        try:
            return cls(*args)
        except ParameterError as err:
            tok = self.tokens[start_index]
            start, end = tok.start, self.tokens[self.i - 1].end
            field_name = err.problems[0].key.split(".", 1)[-1]
            if field_name == "until":  # contradictory voltage limits: all of them
                spans = [v for k, v in self.spans.items() if k.startswith("until[")]
                start, end = min(s for s, _ in spans), max(e for _, e in spans)
            elif field_name in self.spans:
                start, end = self.spans[field_name]
            elif re.fullmatch(r"levels\[\d+\]", field_name) and "levels" in self.spans:
                start, end = self.spans["levels"]
            raise _ParseFailure(start, end, message=_problems_text(err)) from None

    def steps(self) -> list:
        """``step`` or ``Repeat n times: [step; step ...]``, to the end of the text."""
        out = self.sequence()
        if self.peek() is not None:
            self.fail("the end of the step (or ';' and another step)")
        return out

    def sequence(self) -> list:
        out = self.item()
        while self.peek() is not None and self.peek().kind == "punct" \
                and self.peek().text == ";":
            self.i += 1
            out += self.item()
        return out

    def item(self) -> list:
        if self.at_word("repeat"):
            self.i += 1
            count, tok = self.number("a whole number of repetitions")
            if count != int(count) or not 1 <= count <= _MAX_REPEATS:
                self.fail(f"a whole number of repetitions in [1, {_MAX_REPEATS}]", tok)
            self.expect_word("times")
            self.expect_punct(":")
            self.expect_punct("[")
            body = self.sequence()
            self.expect_punct("]")
            return body * int(count)
        return [self.step()]


def _problems_text(err: ParameterError) -> str:
    parts = []
    for p in err.problems:
        got = f" (got {p.value!r})" if p.value is not None else ""
        expected = f", expected {p.expected}" if p.expected else ""
        parts.append(f"{p.key}: {p.message}{got}{expected}")
    return "; ".join(parts)


_MAX_REPEATS = 10000


def _caret_message(text: str, failure: _ParseFailure) -> str:
    width = max(1, failure.end - failure.start)
    if failure.message:
        what = failure.message
    else:
        found = f", found {failure.found}" if failure.found else ""
        what = f"expected {failure.expected}{found}"
    return (f"bad step at column {failure.start + 1}: {what}\n    {text}\n"
            f"    {' ' * failure.start}{'^' * width}")


def parse_steps(text: str, key: str = "protocol") -> list:
    """Parse one protocol string (possibly ``;``-separated or a ``Repeat``) into steps."""
    if not isinstance(text, str):
        raise _bad(key, "not a string", text, "a step string such as 'Rest for 10 min'")
    try:
        return _Parser(text, key).steps()
    except _ParseFailure as failure:
        raise ParameterError(InputProblem(key, _caret_message(text, failure))) from None


def parse_step(text: str, key: str = "protocol") -> Step:
    """Parse exactly one step."""
    steps = parse_steps(text, key)
    if len(steps) != 1:
        raise _bad(key, f"expected one step, the text gives {len(steps)}", text, "one step")
    return steps[0]


