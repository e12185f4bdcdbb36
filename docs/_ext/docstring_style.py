"""Sphinx extension: render nakmodel's compact docstring conventions as clean reStructuredText.

Many nakmodel docstrings use a compact form inside or outside NumPy sections::

    name: what it is, with its unit.
        continuation, indented
    other: ...

and plain-text absolute values such as ``|Z|``. Read literally, reStructuredText takes
``|Z|`` for a substitution and the hanging indents for block quotes, which the ``-W`` build
reports as errors. This hook (connected before napoleon) rewrites the docstring lines only
for rendering — the source is unchanged:

* in a ``Parameters``-type section, ``name: text`` becomes the NumPy form ``name`` + indented
  ``text``; free text after a blank line in such a section becomes a ``Notes`` section;
* elsewhere, a run of ``name: text`` lines becomes a bullet list, and hanging continuation
  lines are joined to the line they continue;
* ``|`` outside inline literals, roles and tables becomes U+2223 (drawn alike), so that
  it is never read as a substitution (a backslash escape would not survive autosummary).

Literal blocks (after ``::``), doctest blocks and directives are copied verbatim.
"""

from __future__ import annotations

import re

FIELD_SECTIONS = {"parameters", "other parameters", "keyword arguments", "attributes",
                  "returns", "yields", "raises", "warns", "receives", "methods"}
PARAM_SECTIONS = {"parameters", "other parameters", "keyword arguments", "attributes"}
_KEY = re.compile(r"^(?P<key>[A-Za-z_*][\w*.]*(?:\s*(?:,|/|\bor\b|\band\b)\s*[A-Za-z_*][\w*.]*)*)"
                  r":\s+(?P<text>\S.*)$")
_NUMPY_FIELD = re.compile(r"^[A-Za-z_*][\w*., ]*\s:\s")
_UNDERLINE = re.compile(r"^\s*(-{3,}|={3,})\s*$")
BAR = "\u2223"  # DIVIDES, drawn like "|": survives autosummary's summary extraction
_INLINE = re.compile(r"(``.+?``|:[\w:+-]+:`[^`]*`|`[^`]*`_*)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _escape_bars(line: str) -> str:
    s = line.lstrip()
    if "|" not in line or s.startswith(("+-", "+=")) or (
            s.startswith("|") and s.endswith("|") and s.count("|") >= 3):  # grid tables stay
        return line
    parts = _INLINE.split(line)
    return "".join(p if i % 2 else p.replace("|", BAR) for i, p in enumerate(parts))


def _is_header(lines, i) -> bool:
    return (i + 1 < len(lines) and lines[i].strip() != "" and _indent(lines[i]) == 0
            and _UNDERLINE.match(lines[i + 1]) is not None
            and len(lines[i + 1].strip()) >= len(lines[i].strip()) - 2)


def normalise(lines: list[str]) -> list[str]:
    """The rewritten docstring lines (see the module docstring)."""
    out: list[str] = []
    section = None
    verbatim_indent = None  # inside a literal block / directive: lines indented more
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if verbatim_indent is not None:
            if stripped == "" or _indent(line) > verbatim_indent:
                out.append(line)
                i += 1
                continue
            verbatim_indent = None
        if _is_header(lines, i):
            section = stripped.lower()
            out += [line, lines[i + 1]]
            i += 2
            continue
        if (section in PARAM_SECTIONS and stripped and _indent(line) == 0 and out
                and out[-1].strip() == "" and not _NUMPY_FIELD.match(line)
                and not _KEY.match(line) and " " in stripped):
            out += ["Notes", "-----", ""]
            section = "notes"
        if stripped.startswith(">>>"):
            while i < n and lines[i].strip() != "":
                out.append(lines[i])
                i += 1
            continue
        if stripped.startswith(".. ") or stripped.endswith("::"):
            out.append(_escape_bars(line) if not stripped.startswith(".. ") else line)
            verbatim_indent = _indent(line)
            i += 1
            continue
        if section in FIELD_SECTIONS:
            m = _KEY.match(line)
            if m and not _NUMPY_FIELD.match(line) and _indent(line) == 0:
                out.append(m.group("key"))
                out.append("    " + _escape_bars(m.group("text")))
                i += 1
                while i < n and lines[i].strip() and _indent(lines[i]) > 0:
                    out.append("    " + _escape_bars(lines[i].strip()))
                    i += 1
                continue
            out.append(_escape_bars(line))
            i += 1
            continue
        # free text: join hanging continuation lines, bullets for runs of "key: text"
        if stripped and not stripped.startswith(("- ", "* ", "| ")):
            base = _indent(line)
            text = stripped
            i += 1
            while (i < n and lines[i].strip() and _indent(lines[i]) > base
                   and not text.endswith("::")):
                text += " " + lines[i].strip()
                i += 1
            out.append(" " * base + _escape_bars(text))
            continue
        out.append(_escape_bars(line))
        i += 1
    return _bullets(out)


def _bullets(lines: list[str]) -> list[str]:
    """Runs of >= 2 consecutive free-text ``key: text`` lines become a bullet list."""
    out: list[str] = []
    i = 0
    section = None
    while i < len(lines):
        if _is_header(lines, i):
            section = lines[i].strip().lower()
        j = i
        while (section not in FIELD_SECTIONS and j < len(lines) and _indent(lines[j]) == 0
               and _KEY.match(lines[j])):
            j += 1
        if j - i >= 2:
            if out and out[-1].strip():
                out.append("")
            out += ["- " + lines[k] for k in range(i, j)]
            if j < len(lines) and lines[j].strip():
                out.append("")
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


def _first_paragraph_literals(lines: list[str]) -> list[str]:
    """A period + space inside an inline literal of the first paragraph becomes U+2024 (one dot
    leader): autosummary would end the summary sentence there."""
    out = list(lines)
    for k, line in enumerate(out):
        if not line.strip():
            break
        parts = _INLINE.split(line)
        out[k] = "".join(re.sub(r"\.(?=\s)", "\u2024", p) if i % 2 and p.startswith("``") else p
                         for i, p in enumerate(parts))
    return out


def _process(app, what, name, obj, options, lines):
    lines[:] = _first_paragraph_literals(normalise(list(lines)))


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.connect("autodoc-process-docstring", _process, priority=100)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
