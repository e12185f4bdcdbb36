"""Spectrum: validation, circuit algebra against analytic impedances, CSV round trip, plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nakmodel.errors import ParameterError  # noqa: E402
from nakmodel.spectrum import Spectrum  # noqa: E402

F = np.logspace(5, -2, 36)


def rc(R=10.0, C=1e-3, R0=2.0, f=F):
    w = 2 * np.pi * f
    return R0 + R / (1 + 1j * w * R * C)


def test_properties_of_a_parallel_rc_match_the_analytic_phase_and_modulus():
    R, C = 10.0, 1e-3
    s = Spectrum(F, rc(R, C, R0=0.0))
    wt = s.omega * R * C
    assert np.allclose(s.omega, 2 * np.pi * F, rtol=0, atol=0)
    assert np.allclose(s.magnitude, R / np.sqrt(1 + wt**2), rtol=1e-13)
    assert np.allclose(s.phase, -np.arctan(wt), rtol=1e-12)
    assert np.allclose(s.phase_deg, np.degrees(-np.arctan(wt)), rtol=1e-12)
    assert np.all(s.imag < 0)  # capacitive convention
    assert np.allclose(s.admittance, 1 / R + 1j * s.omega * C, rtol=1e-12)


def test_series_and_parallel_algebra_builds_an_rc_element():
    R, C = 10.0, 1e-3
    w = 2 * np.pi * F
    resistor = Spectrum(F, np.full(F.size, R + 0j))
    capacitor = Spectrum(F, 1 / (1j * w * C))
    element = resistor.parallel(capacitor)
    assert np.allclose(element.Z, rc(R, C, R0=0.0), rtol=1e-12)
    series = element + 2.0
    assert np.allclose(series.Z, rc(R, C, R0=2.0), rtol=1e-12)
    assert np.allclose((series - element).Z, 2.0)
    assert np.allclose((3 * element).Z, 3 * element.Z)
    assert np.allclose((element / 2).Z, element.Z / 2)
    with pytest.raises(ParameterError, match="same frequencies"):
        element + Spectrum(F[:-1], element.Z[:-1])


@pytest.mark.parametrize(
    "frequency, Z, message",
    [
        (np.ones((2, 2)), np.ones(4), "1-D"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], "length"),
        ([1.0, np.nan, 3.0], [1, 2, 3], "non-finite"),
        ([1.0, 0.0, 3.0], [1, 2, 3], "not positive"),
        ([1.0, -2.0, 3.0], [1, 2, 3], "not positive"),
        ([1.0, 2.0, 3.0], [1, np.inf, 3], "non-finite"),
        ([10.0, 1.0, 10.0], [1, 2, 3], "duplicate frequency at indices 0 and 2"),
        ([], [], "empty"),
        ("abc", [1], "not an array"),
    ],
)
def test_invalid_spectra_are_rejected_with_the_field_named(frequency, Z, message):
    with pytest.raises(ParameterError, match=message) as info:
        Spectrum(frequency, Z)
    assert "spectrum." in str(info.value)


def test_area_units_and_area_specific_values():
    s = Spectrum(F, rc(), area="2 cm^2")
    assert s.area == pytest.approx(2e-4, rel=1e-12)
    assert np.allclose(s.area_specific(), s.Z * 2e-4)
    assert np.allclose(s.values("ohm cm2"), s.Z * 2.0)
    assert np.allclose(s.values("ohm m2"), s.Z * 2e-4)
    back = Spectrum.from_area_specific(F, s.area_specific(), 2e-4)
    assert np.allclose(back.Z, s.Z, rtol=1e-14)
    with pytest.raises(ParameterError, match="area"):
        Spectrum(F, rc()).area_specific()
    with pytest.raises(ParameterError, match="positive"):
        Spectrum(F, rc(), area=-1.0)
    with pytest.raises(ParameterError, match="unit"):
        s.values("ohm ft2")


def test_spectrum_is_read_only_and_copies_its_input():
    f = F.copy()
    s = Spectrum(f, rc())
    f[0] = 123.0
    assert s.frequency[0] == F[0]
    with pytest.raises(ValueError):
        s.Z[0] = 0.0
    with pytest.raises(AttributeError):
        s.label = "x"


def test_sorted_subset_mask_and_interpolate():
    s = Spectrum(F[::-1], rc(f=F[::-1]))
    d = s.sorted()
    assert np.all(np.diff(d.frequency) < 0) and d.is_sorted
    a = s.sorted(descending=False)
    assert np.all(np.diff(a.frequency) > 0)
    assert np.allclose(a.Z, rc(f=a.frequency))
    sub = s.subset(1.0, "1 kHz")
    assert sub.frequency.min() >= 1.0 and sub.frequency.max() <= 1e3
    assert len(sub) == np.count_nonzero((F >= 1) & (F <= 1e3))
    with pytest.raises(ParameterError, match="no frequency"):
        s.subset(1e7, 1e8)
    assert len(s.mask(s.frequency > 10)) == np.count_nonzero(F > 10)
    # interpolation reproduces the nodes and is linear in log f in between
    same = s.interpolate(s.frequency)
    assert np.allclose(same.Z, s.Z, rtol=1e-12)
    mid = np.sqrt(F[3] * F[4])
    value = s.interpolate([mid]).Z[0]
    expect = 0.5 * (rc(f=F[3:4]) + rc(f=F[4:5]))[0]
    assert value == pytest.approx(expect, rel=1e-12)
    with pytest.raises(ParameterError, match="outside"):
        s.interpolate([1e9])


def test_csv_round_trip_is_exact_and_keeps_label_and_area(tmp_path):
    s = Spectrum(F, rc(), area=1.5e-4, label="cell A, 25 degC")
    path = s.to_csv(tmp_path / "out" / "s.csv")
    back = Spectrum.from_csv(path)
    assert back == s
    assert back.label == "cell A, 25 degC" and back.area == 1.5e-4
    # no temp file left; metadata in the sidecar, the CSV is plain with units
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.csv", "s.meta.json"]
    assert path.read_text().startswith("frequency [Hz],Z_real [ohm],Z_imag [ohm]\n")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(1e-3, 1e7), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)),
                min_size=1, max_size=30, unique_by=lambda t: t[0]))
def test_csv_round_trip_property(tmp_path_factory, rows):
    f, re_, im_ = map(np.array, zip(*sorted(rows), strict=True))  # a sweep is monotone
    s = Spectrum(f, re_ + 1j * im_)
    path = tmp_path_factory.mktemp("rt") / "p.csv"
    s.to_csv(path)
    back = Spectrum.from_csv(path, sign="as_is", min_points=1)
    assert np.array_equal(back.frequency, s.frequency)
    assert np.array_equal(back.Z, s.Z)


def test_plots_draw_minus_imaginary_and_positive_phase():
    s = Spectrum(F, rc(), area=1e-4, label="rc")
    fig, axes = plt.subplots(1, 3)
    ax = s.plot_nyquist(axes[0])
    x, y = ax.lines[0].get_data()
    assert np.allclose(x, s.real) and np.allclose(y, -s.imag)
    assert ax.get_aspect() == 1.0
    ax2 = s.plot_nyquist(axes[1], unit="ohm cm2")
    assert np.allclose(ax2.lines[0].get_xdata(), s.real * 1.0)  # 1 cm^2: same numbers
    mag, ph = s.plot_bode(axes[2])
    assert np.allclose(mag.lines[0].get_ydata(), s.magnitude)
    assert np.all(ph.lines[0].get_ydata() >= 0)
    plt.close(fig)


def test_pickle_and_deepcopy_keep_everything():
    import copy
    import pickle

    s = Spectrum(F, rc(), area=1e-4, label="x", meta={"cycle": 3})
    for clone in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert clone == s and clone.label == "x" and clone.meta["cycle"] == 3
        assert not clone.Z.flags.writeable
