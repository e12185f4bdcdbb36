"""
Your own parameter set, and a study on it
=========================================

Every parameter of nakmodel has a unit, an allowed range, a source and a tag (F found,
M from memory, I derived, ? assumption). To describe your cell:

1. start from the defaults (``nakmodel params show --format toml`` prints them as a valid
   file) and change what you know, citing your source;
2. validate the file (:func:`nakmodel.load_parameters` or ``nakmodel params check``): every
   problem is reported at once, naming key, unit and allowed range;
3. write a study file that points at it and run it (``nakmodel run my_study.toml --out
   DIR``, or :func:`nakmodel.study.load_study` in Python).
"""

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import nakmodel
from nakmodel.study import load_study

workdir = Path(tempfile.mkdtemp())

# %%
# A parameter file
# ----------------
# Only what differs from the defaults needs to be written; each entry may carry its value
# (with units), its source and its tag.
my_cell = workdir / "my_cell.toml"
my_cell.write_text('''
temperature = { value = "40 degC", source = "our glove-box hot plate", tag = "F" }

[alloy]
composition = { value = "NaK65", source = "weighed in, 65 wt% K", tag = "F" }

[nasicon]
conductivity = { value = "1.2e-3 S/cm", source = "our PEIS of the bare pellet, 40 degC", tag = "F" }

[interface]
contact_fraction = { value = 0.6, source = "ASSUMPTION: partial wetting", tag = "?" }
''')
p = nakmodel.load_parameters(my_cell)
print(f"{p.alloy.composition}, T = {p.temperature - 273.15:.1f} degC, "
      f"sigma = {p.nasicon.conductivity:.3g} S/m")
print("assumptions still in the set:", len(p.assumptions()))

# %%
# Bad input is refused before anything runs
# -----------------------------------------
try:
    nakmodel.load_parameters({"nasicon.conductivity": "-1 S/cm", "temperature": "25"})
except nakmodel.ParameterError as err:
    print(err)

# %%
# A study on it
# -------------
# A ``simulation`` study: strip the 1D cell to the liquidus for two compositions. The
# ``[parameters]`` table of a study overrides the defaults; here it takes every value of our
# file (``p.to_dict()`` gives plain values with units).
study_file = workdir / "my_study.toml"
overrides = "\n".join(f'"{key}" = "{value}"' if isinstance(value, str) else
                      f'"{key}" = {value}'
                      for key, value in {"temperature": "40 degC",
                                         "nasicon.conductivity": "1.2e-3 S/cm",
                                         "interface.contact_fraction": 0.6}.items())
study_file.write_text(f'''
[study]
name = "my_strip"
kind = "simulation"
title = "Stripping to the liquidus at 40 degC"

[parameters]
{overrides}

[simulation]
geometry = "1d"
pellet_thickness = "1 mm"
alloy_thickness = "50 um"
protocol = ["Strip at 0.5 mA/cm2 until liquidus"]
compositions = ["NaK50", "NaK80"]
''')
study = load_study(study_file)
written = study.run(workdir / "out")
print("\n".join(str(w.relative_to(workdir)) for w in written))
print((workdir / "out" / "summary.md").read_text()[:800])

# %%
# The study's own figure
# ----------------------
image = plt.imread(workdir / "out" / "NaK80" / "voltage.png")
fig, ax = plt.subplots(figsize=(8, 4))
ax.imshow(image)
ax.axis("off")
