"""The mesh scripts' front end: files written, summary consistent, bad input -> exit 2."""

import json

import pytest

from nakmodel.cli.mesh import main


def test_mesh_script_writes_files(tmp_path, capsys):
    rc = main(["--plot", "--pellet-radius", "1 mm", "--pellet-thickness", "1 mm",
               "--alloy-thickness",
               "100 um", "--spot-radius", "200 um", "--mesh-size", "50 um", "--out",
               str(tmp_path)], geometry="axisymmetric", stem="c")
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert all((tmp_path / f"c.{ext}").exists() for ext in ("msh", "xdmf", "h5", "png"))
    assert summary["contact_area_m2"] == pytest.approx(summary["contact_area_analytic_m2"],
                                                       rel=1e-10)
    assert summary["tags"]["facets"]["interface_contact"] == 12


def test_mesh_script_bad_input_exits_2(tmp_path, capsys):
    rc = main(["--spot-radius", "-3 um", "--out", str(tmp_path)], geometry="planar")
    assert rc == 2
    assert "contact.radius" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
