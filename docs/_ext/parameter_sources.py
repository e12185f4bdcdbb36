"""Sphinx extension: the "how to cite the parameter sources" page, generated from the set.

At ``builder-inited`` it loads the default parameter set (:func:`nakmodel.load_parameters`)
and writes ``reference/parameter_sources.md`` (git-ignored): every parameter with value, unit,
tag and source, and the list of distinct sources with the keys that use each, so the page can
never disagree with ``nakmodel/data/default_parameters.toml``.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

TAGS = {
    "F": "found in the cited source",
    "M": "well-known literature cited from memory: check the original before relying on it",
    "I": "derived by us from found inputs",
    "?": "unknown: an assumption, sweepable, to be reported as such",
}
_ASSUMPTION = re.compile(r"^(ASSUMPTION|numerical)\b", re.IGNORECASE)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _references(source: str) -> list[str]:
    """Split a source string into its cited works (separated by ';')."""
    if not source or _ASSUMPTION.match(source):
        return []
    parts = [s.strip(" .") for s in source.split(";")]
    return [p for p in parts if p and not p.lower().startswith(("same ", "assumption"))]


def render(params=None) -> str:
    """Markdown text of the page for a parameter set (the defaults if None)."""
    import nakmodel

    p = params if params is not None else nakmodel.load_parameters()
    rows = p.table()  # (key, value, unit, tag, source)
    by_source: OrderedDict[str, list[str]] = OrderedDict()
    for key, _value, _unit, tag, source in rows:
        if tag == "?":
            continue
        for ref in _references(source):
            by_source.setdefault(ref, []).append(key)
    counts = {t: sum(1 for r in rows if r[3] == t) for t in TAGS}
    out = [
        "(parameter-sources)=",
        "# How to cite the parameter sources",
        "",
        "This page is generated from the default parameter set "
        "(`nakmodel/data/default_parameters.toml`) each time the site is built, so it always "
        "matches the installed package. When you publish results obtained with nakmodel, cite "
        "the package (see `CITATION.cff` at the top of the repository) **and** the works below "
        "for the parameters your results depend on. Parameters tagged `?` are assumptions: "
        "say so, and report how your conclusion moves when they are swept "
        "(`nakmodel sweep`).",
        "",
        "| tag | meaning | parameters |",
        "|---|---|---|",
    ]
    for t, meaning in TAGS.items():
        out.append(f"| `{t}` | {meaning} | {counts[t]} |")
    out += ["", "## Works cited by the default set", "",
            "Each entry is quoted as it stands in the parameter file, followed by the "
            "parameters that rely on it.", ""]
    for ref, keys in by_source.items():
        out.append(f"- {ref} — " + ", ".join(f"`{k}`" for k in keys))
    out += ["", "## Every parameter", "",
            "Print the same table for your own file with `nakmodel params show my.toml`.", "",
            "| parameter | value | unit | tag | source |", "|---|---|---|---|---|"]
    for key, value, unit, tag, source in rows:
        out.append(f"| `{key}` | {_cell(value)} | {_cell(unit)} | `{tag}` | {_cell(source)} |")
    out.append("")
    return "\n".join(out)


def _write(app) -> None:
    target = Path(app.srcdir) / "reference" / "parameter_sources.md"
    text = render()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _write)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
