"""
Fit the model to your own spectrum
==================================

You have measured an impedance spectrum of a NaK | NASICON | Na cell and want the model
parameters that explain it. The recipe:

1. read the file (:func:`nakmodel.read_spectrum`: CSV/TSV, EC-Lab ``.mpt``/``.mpr``, Gamry
   ``.DTA``, ZPlot ``.z``), giving the electrode area;
2. check that it is Kramers–Kronig consistent (:func:`nakmodel.kramers_kronig`);
3. fit the parameters you do not know with :func:`nakmodel.fit_model` — values, standard
   errors and 95 % intervals from the Jacobian, and a warning for a parameter the spectrum
   cannot identify;
4. write the fitted set as a parameter file.

So that this page builds anywhere, the "measurement" is made here: the model's own PEIS
spectrum with a lower exchange current density and conductivity than the defaults, plus 0.5 %
noise, written to a CSV file. Replace the first block by ``read_spectrum("my_cell.mpr",
area="0.785 cm^2")`` for your data.
"""

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nakmodel

workdir = Path(tempfile.mkdtemp())
cell = nakmodel.Cell(geometry="1d", pellet_thickness="1 mm", alloy_thickness="100 um")
truth = nakmodel.load_parameters({"interface.exchange_current_density": "3 mA/cm^2",
                                  "nasicon.conductivity": "3e-3 S/cm"})
frequencies = np.logspace(6, -1, 36)
made = nakmodel.impedance(cell, truth, frequencies, mode="potentiostatic")
rng = np.random.default_rng(1)
noisy = made.Z * (1 + 0.005 * (rng.standard_normal(made.Z.size)
                               + 1j * rng.standard_normal(made.Z.size)))
area = cell.electrode_area()
path = nakmodel.write_spectrum(nakmodel.Spectrum(made.frequency, noisy, area, label="my cell"),
                               workdir / "my_cell.csv")
print(path.read_text().splitlines()[:4])

# %%
# Read it and check it
# --------------------
measured = nakmodel.read_spectrum(path, area=f"{area * 1e4} cm^2")
kk = nakmodel.kramers_kronig(measured)
print(kk.summary())
print("Kramers-Kronig consistent:", kk.passed)

# %%
# Fit two parameters
# ------------------
# Start from the default set (i0 = 100 mA/cm², σ = 5e-3 S/cm) and fit the two parameters the
# spectrum is most sensitive to. Everything else stays at its default.
start = nakmodel.load_parameters()
fitted = nakmodel.fit_model(measured, cell, start, mode="potentiostatic",
                            fit=("interface.exchange_current_density", "nasicon.conductivity"))
print(fitted.summary())

fig, ax = plt.subplots(figsize=(5.5, 4))
fitted.plot(ax)
fig.tight_layout()

# %%
# Keep the result
# ---------------
# ``to_toml()`` is a valid parameter file: the fitted values with their provenance, every
# other parameter as it was. Load it with :func:`nakmodel.load_parameters`.
toml_path = workdir / "fitted.toml"
toml_path.write_text(fitted.to_toml())
again = nakmodel.load_parameters(toml_path)
print(f"i0 = {again.interface.exchange_current_density / 10:.3f} mA/cm2 (truth 3), "
      f"sigma = {again.nasicon.conductivity / 100:.2e} S/cm (truth 3e-3)")
