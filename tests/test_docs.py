"""The documentation cannot rot: README code, doctests, docstrings and the fast site build.

* every ```python block of the README runs, in order, in one namespace, in a scratch folder
  that holds the two measurement files the README reads (``cell.mpr``, ``my_cell.mpr``:
  model spectra with known parameters written as EC-Lab binaries), and what its comments
  claim is checked (the stripping run ends at the liquidus at 2.97 mAh/cm², the fit finds
  the parameters the "measurement" was made with);
* every ``>>>`` example in ``nakmodel/`` passes (doctest);
* every public name of ``nakmodel.__all__`` has its own docstring naming each parameter,
  and each function says what it returns;
* no file of the package, the site or the README refers to material outside the
  repository (the physics notes or the shared folder the project was developed beside);
* the site builds with warnings as errors, the gallery not executed (``-D plot_gallery=0``),
  and the API reference has a page for each name the README and the issue promise.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import nakmodel

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
BUILD_PRODUCTS = ("_build", "auto_examples", "generated", "parameter_sources.md",
                  "sg_execution_times.rst", "__pycache__")


# --------------------------------------------------------------------------- the README
def readme_python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def _write_mpr(path: Path, spectrum) -> None:
    """An EC-Lab ``.mpr`` of a spectrum (the writer of the layout test)."""
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from test_io_layouts import mpr_bytes
    finally:
        sys.path.pop(0)
    path.write_bytes(mpr_bytes([(32, "<f4", spectrum.frequency), (37, "<f4", spectrum.real),
                                (38, "<f4", -spectrum.imag)]))


# i0 five times below the default (100 mA/cm2): RT/(F i0) = 1.3 ohm cm2 is visible next to the
# 20 ohm cm2 of the ceramic (at 200 mA/cm2 it is 0.6 %, and 0.2 % noise moves the fit 5 %)
TRUE_FACTORS = {"interface.exchange_current_density": 0.2, "nasicon.conductivity": 0.7}


def _measurements(folder: Path) -> dict[str, float]:
    """``cell.mpr`` and ``my_cell.mpr`` of the README: the 1D cell of its fit example with
    i0 and σ moved from the defaults (0.2 % noise); returns the true values."""
    base = {"alloy.composition": "NaK65", "temperature": "25 degC"}
    p0 = nakmodel.load_parameters(base)
    true = {key: factor * p0.get(key) for key, factor in TRUE_FACTORS.items()}
    p = nakmodel.load_parameters({**base, **true})
    cell = nakmodel.Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="100 um")
    s = nakmodel.impedance(cell, p, np.logspace(6, -1, 36))
    rng = np.random.default_rng(1)
    noisy = nakmodel.Spectrum(s.frequency, s.Z * (1 + 0.002 * rng.standard_normal(len(s))))
    _write_mpr(folder / "cell.mpr", noisy)
    _write_mpr(folder / "my_cell.mpr", noisy)
    return true


def test_readme_python_blocks_run_and_their_comments_hold(tmp_path, monkeypatch):
    blocks = readme_python_blocks()
    assert len(blocks) >= 3, "the README's Python tour, measurements and fit blocks"
    true = _measurements(tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. a λ at its search bound on 36 points
        for k, block in enumerate(blocks):
            exec(compile(block, f"README.md python block {k + 1}", "exec"), namespace)
    result = namespace["result"]
    assert result.termination == "liquidus"
    assert result.capacity[-1] / 36000 == pytest.approx(2.97, abs=0.01)  # "# liquidus, 2.97"
    assert (tmp_path / "strip.csv").stat().st_size > 0
    assert len(namespace["spectrum"]) == 60 and len(namespace["drt"].peaks()) >= 1
    assert namespace["k"].K_I > 0
    fitted = namespace["fitted"]
    for key, value in true.items():
        assert fitted.values[key] == pytest.approx(value, rel=0.03), key
    refit = nakmodel.load_parameters(tmp_path / "fitted.toml")
    for key in true:
        assert refit.get(key) == pytest.approx(fitted.values[key], rel=1e-9)


def test_readme_links_to_the_site_by_relative_paths_that_exist():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#\s]+)\)", text)
    relative = [link for link in links if "://" not in link]
    assert not [link for link in relative if not (ROOT / link).exists()]
    for page in ("docs/theory/index.md", "docs/examples/", "docs/api/index.rst"):
        assert page in relative, page
    assert "make docs" in text and "docs/_build/html/index.html" in text


# ------------------------------------------------------------------------------ doctests
def modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(nakmodel.__path__, "nakmodel."):
        spec = importlib.util.find_spec(info.name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        if ">>>" in Path(spec.origin).read_text(encoding="utf-8"):
            names.append(info.name)
    return sorted(names)


def test_there_are_doctests():
    assert {"nakmodel.io", "nakmodel.protocol"} <= set(modules_with_examples())


@pytest.mark.parametrize("module_name", modules_with_examples())
def test_doctests_pass(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False, report=True)
    assert result.attempted > 0, f"{module_name}: '>>>' in the source but no example collected"
    assert result.failed == 0, f"{module_name}: {result.failed} of {result.attempted} failed"


# ---------------------------------------------------------------------------- docstrings
def _public_callables():
    for name in nakmodel.__all__:
        obj = getattr(nakmodel, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            yield name, obj


def _own_doc(name, obj) -> str:
    doc = obj.__doc__ or ""
    if inspect.isclass(obj) and doc.startswith(obj.__name__ + "("):
        return ""  # the signature dataclasses put where a docstring is missing
    return inspect.cleandoc(doc)


def _documented_parameters(obj) -> list[str]:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    return [p.name for p in signature.parameters.values()
            if p.name not in ("self", "cls") and not p.name.startswith("_")
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


@pytest.mark.parametrize("name", [n for n, _ in _public_callables()])
def test_public_name_has_a_docstring_with_parameters_and_returns(name):
    obj = getattr(nakmodel, name)
    doc = _own_doc(name, obj)
    assert len(doc) >= 20, f"nakmodel.{name} has no docstring of its own"
    missing = [p for p in _documented_parameters(obj) if not re.search(rf"\b{p}\b", doc)]
    assert not missing, f"nakmodel.{name}: parameters not described in the docstring: {missing}"
    if inspect.isfunction(obj) and inspect.signature(obj).return_annotation not in (None, "None"):
        says_returns = re.search(r"(^Returns\n-{3,})|→|->|\breturns?\b|^(The|A|An)\b", doc,
                                 flags=re.M | re.I)
        assert says_returns, f"nakmodel.{name}: the docstring does not say what it returns"


# -------------------------------------------------------------- nothing outside the repo
OUTSIDE = re.compile(r"physics\.md|\.\./shared\b|/work/shared\b")


def _repository_texts():
    files = [README, *sorted((ROOT / "nakmodel").rglob("*")), *sorted(DOCS.rglob("*"))]
    for path in files:
        rel = path.relative_to(ROOT)
        if not path.is_file() or any(part in BUILD_PRODUCTS for part in rel.parts):
            continue
        if path.suffix in (".py", ".md", ".rst", ".toml", ".txt", ".csv", ".cff", ".json"):
            yield rel, path.read_text(encoding="utf-8", errors="replace")


def test_no_file_refers_to_material_outside_the_repository():
    hits = [f"{rel}:{n}: {line.strip()[:80]}" for rel, text in _repository_texts()
            for n, line in enumerate(text.splitlines(), start=1) if OUTSIDE.search(line)]
    assert not hits, "cite docs/theory or the original source instead:\n" + "\n".join(hits)


def test_every_parameter_source_names_a_publication_or_an_assumption():
    for key, _value, _unit, tag, source in nakmodel.load_parameters().table():
        assert source and not OUTSIDE.search(source), key
        if tag in ("F", "M"):  # found or cited from memory: a work to look up
            assert re.search(r"\(\d{4}\)|\b(19|20)\d{2}\b|standard|CRC|data", source), (key, source)


# ---------------------------------------------------------------------- the docs site
def _sphinx_available() -> str | None:
    for module in ("sphinx", "pydata_sphinx_theme", "myst_parser", "sphinx_gallery"):
        if importlib.util.find_spec(module) is None:
            return module
    return None


PROMISED_PAGES = ["Simulation", "Cell", "impedance.impedance", "relaxation_spectrum",
                  "drt.compute", "read_spectrum", "stress_intensity", "fit_model",
                  "run_sweep", "load_sweep", "sweep.SweepSpec", "sweep.SweepResult",
                  "sweep.DaskExecutor", "sweep.MPIExecutor"]


@pytest.mark.skipif(_sphinx_available() is not None,
                    reason=f"the docs extra is not installed ({_sphinx_available()} missing): "
                    "pip install -e '.[docs]' to test the documentation build")
def test_fast_docs_build_has_no_warnings_and_the_promised_pages(tmp_path):
    src = tmp_path / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns(*BUILD_PRODUCTS))
    for name in ("CHANGELOG.md", "README.md", "CITATION.cff"):  # included from the pages
        shutil.copy2(ROOT / name, tmp_path / name)
    out = tmp_path / "html"
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", "-j", "1", "-D", "plot_gallery=0", str(src), str(out)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:] + proc.stdout[-2000:]
    assert (out / "index.html").is_file()
    generated = out / "api" / "generated"
    from nakmodel.study import KINDS
    pages = ([f"nakmodel.{p}" for p in PROMISED_PAGES]
             + [f"nakmodel.{n}" for n, _ in _public_callables()] + list(KINDS.values()))
    missing = [p for p in pages if not (generated / f"{p}.html").is_file()]
    assert not missing, f"API pages missing: {missing}"
    for page in ("theory/index", "auto_examples/index", "api/index",
                 "reference/parameter_sources"):
        assert (out / f"{page}.html").is_file(), page
    sources = (out / "reference" / "parameter_sources.html").read_text(encoding="utf-8")
    assert "Ma et al." in sources and "interface.exchange_current_density" in sources
