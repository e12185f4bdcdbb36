"""One source of truth for the model's materials (issue #15, item 1): the material
dataclasses have no physics defaults of their own, and a ``CoupledProblem`` built without
explicit materials runs the parameter set's physics, field by field."""

from __future__ import annotations

import dataclasses

import pytest

from nakmodel.errors import ParameterError
from nakmodel.model.materials import (
    NOT_IN_FILE,
    AlloyProperties,
    ElectrodeInterface,
    NasiconProperties,
)
from nakmodel.parameters import load_parameters

CLASSES = (AlloyProperties, NasiconProperties, ElectrodeInterface)
SECTIONS = (("alloy", "alloy"), ("nasicon", "nasicon"), ("working", "interface"),
            ("counter", "counter_electrode"))


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_material_fields_have_no_defaults(cls):
    with_default = [f.name for f in dataclasses.fields(cls)
                    if f.default is not dataclasses.MISSING
                    or f.default_factory is not dataclasses.MISSING]
    assert not with_default
    with pytest.raises(TypeError):
        cls()


def _compare(problem, params):
    """(field, section, model value, parameter-set value) of every field the file has."""
    rows = []
    for attr, section in SECTIONS:
        obj, data = getattr(problem, attr), getattr(params, section)
        for f in dataclasses.fields(obj):
            if hasattr(data, f.name):
                rows.append((f"{section}.{f.name}", getattr(obj, f.name), getattr(data, f.name)))
            else:  # not in the file: the documented fixed value (or that of [interface])
                fixed = NOT_IN_FILE[section]
                want = fixed[f.name] if f.name in fixed else getattr(params.interface, f.name)
                rows.append((f"{section}.{f.name}", getattr(obj, f.name), want))
    return rows


def test_default_built_problem_runs_the_parameter_set():
    """Field by field, including the phase boundaries (solid solubilities) and the counter
    electrode's i0 (100 mA/cm² in the file)."""
    pytest.importorskip("dolfinx_solver")
    from nakmodel import thermo
    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.problem import CoupledProblem

    p = load_parameters()
    pb = CoupledProblem(interval_cell(1e-4, 1e-5, 2, 2), temperature=p.temperature)
    rows = _compare(pb, p)
    assert len(rows) == 20 + 8 + 13 + 13
    wrong = [(key, got, want) for key, got, want in rows if got != want]
    assert not wrong, wrong
    assert pb.counter.exchange_current_density == 1000.0  # A/m² = 100 mA/cm²
    b = thermo.phase_boundaries(p.temperature, p)
    assert (pb.x_liquidus_k, pb.x_solid_k, pb.x_liquidus_na, pb.x_solid_na) == pytest.approx(
        (b.liquid_low, b.solid_low, b.liquid_high, b.solid_high), rel=1e-12, abs=1e-15)
    assert pb.x_solid_k > 0.0  # Na dissolves in solid K (k_solidus_limiting_slope > 0)


def test_problem_materials_come_from_the_parameters_it_is_given():
    pytest.importorskip("dolfinx_solver")
    from nakmodel.model.meshes import interval_cell
    from nakmodel.model.problem import CoupledProblem

    p = load_parameters({"nasicon.conductivity": "2e-3 S/cm", "interface.blocking_smoothing": 0.05,
                         "counter_electrode.exchange_current_density": "30 mA/cm^2",
                         "alloy.redlich_kister_L2": "300 J/mol"})
    pb = CoupledProblem(interval_cell(1e-4, 1e-5, 2, 2), temperature=p.temperature,
                        parameters=p)
    wrong = [(key, got, want) for key, got, want in _compare(pb, p) if got != want]
    assert not wrong, wrong
    assert (pb.nasicon.conductivity, pb.working.blocking_smoothing,
            pb.counter.exchange_current_density, pb.alloy.redlich_kister_L2) == (
        pytest.approx(0.2), 0.05, pytest.approx(300.0), 300.0)


def test_from_parameters_overrides_and_errors():
    p = load_parameters()
    w = ElectrodeInterface.from_parameters(p, exchange_current_density=5.0)
    assert w == dataclasses.replace(ElectrodeInterface.from_parameters(p),
                                    exchange_current_density=5.0)
    assert ElectrodeInterface.from_parameters() == ElectrodeInterface.from_parameters(p)
    assert AlloyProperties.from_parameters(p.alloy) == AlloyProperties.from_parameters(p)
    with pytest.raises(ParameterError, match="interface.exchange_current"):
        ElectrodeInterface.from_parameters(exchange_current=5.0)
    with pytest.raises(ParameterError, match="section"):
        ElectrodeInterface.from_parameters(p, "nasicon")
    with pytest.raises(ParameterError, match="alloy.k_solidus_limiting_slope"):
        AlloyProperties.from_parameters(k_solidus_limiting_slope=-1.0)
