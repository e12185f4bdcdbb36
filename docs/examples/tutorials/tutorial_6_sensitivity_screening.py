"""
Which assumptions matter: a Morris screening of a CCD point
===========================================================

Many parameters of the default set are assumptions nobody has measured (tag ``?``): the
exchange current density and the contact fraction at NaK|NASICON, the interdiffusivity
factor, ... A study of kind ``sensitivity`` varies such inputs over their plausible ranges
(each parameter's range and its reason are in the set: ``nakmodel params show``) and ranks
them by how much they move an output of a wrapped study — here the stripping current scan
(kind ``ccd``) of a 1D NaK65 cell with a thin 20–40 µm film.

Morris screening (elementary effects; ``method = "morris"``) needs only ``trajectories x
(inputs + 1)`` model runs: here 2 x (4 + 1) = 10 short runs. ``mu*`` is the mean absolute
change of the output when one input moves across its range. Sobol' indices with confidence
intervals (``method = "sobol"``) and forward uncertainty propagation (``method =
"uncertainty"``, percentiles and a histogram) take the same study file. The runs go through
the sweep engine: an interrupted study resumes, and ``nakmodel run STUDY.toml --workers 2``
runs them in parallel. Here they run in this process
(:class:`nakmodel.sweep.SerialExecutor`); the default local process pool spawns workers, so
in a script of your own put the call under ``if __name__ == "__main__":``.
"""

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from nakmodel.sensitivity.report import plot_indices, read_indices
from nakmodel.study import load_study
from nakmodel.sweep import SerialExecutor

workdir = Path(tempfile.mkdtemp())
study_file = workdir / "screening.toml"
study_file.write_text('''
[study]
name = "screening"
kind = "sensitivity"
title = "Which assumptions control the stripping CCD of a thin NaK65 film"

[parameters]
temperature = "25 degC"
"alloy.composition" = "NaK65"

[sensitivity]
study = "ccd"
method = "morris"
samples = 2                # trajectories
levels = 4
seed = 1
outputs = ["ccd", "critical_capacity"]
# these keys take their ranges (and reasons) from the default parameter set
parameters = ["interface.exchange_current_density", "interface.contact_fraction",
              "alloy.interdiffusivity_factor"]

[[sensitivity.parameter]]  # a range for an option of the wrapped study
key = "ccd.alloy_thickness"
range = ["20 um", "40 um"]
reason = "alloy loading of the cell"

[ccd]
geometry = "1d"
pellet_thickness = "1 mm"
alloy_thickness = "30 um"
directions = ["strip"]
start = "1 mA/cm2"
stop = "10 mA/cm2"
step = "1 mA/cm2"
hold = "120 s"
voltage_limit = "1 V"
error_tolerance = 0.05
''')
study = load_study(study_file)
for rng in study.options.ranges:
    print(f"{rng.key}: {rng.describe()}")

# %%
# Run the screening
# -----------------
study.run(workdir / "out", executor=SerialExecutor())
print((workdir / "out" / "summary.md").read_text())

# %%
# The mu* bars
# ------------
# :func:`nakmodel.sensitivity.report.read_indices` reads ``indices.csv`` back;
# :func:`~nakmodel.sensitivity.report.plot_indices` draws one output's bars (with their
# bootstrap confidence intervals) on an ``ax`` of yours.
table = read_indices(workdir / "out")
fig, axes = plt.subplots(2, 1, figsize=(6.5, 6), layout="constrained")
for ax, output in zip(axes, ("ccd", "critical_capacity"), strict=True):
    plot_indices(ax, table, output, "morris")

# %%
# A thin film stripped up a current ramp runs out of sodium (it reaches the K-rich liquidus)
# before the interface limits it: the film's inventory, set by its thickness, decides the
# critical capacity and the CCD, while the interface and transport assumptions move the
# capacity by about a thousandth of the thickness's effect and the CCD not at all. The
# uncertainty study ``studies/uncertainty_ccd.toml`` finds the same for a 100 µm film on a
# slower scan: there, too, every run stops at the liquidus. A screening like this one tells
# you which of the unmeasured parameters a measurement must pin down — for this scan, none
# of the interface ones.
