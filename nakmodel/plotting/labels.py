"""Axis labels of results columns: key -> (words, SI unit), shown in display units.

:func:`describe` turns a column header or key (``"ccd [A/m^2]"``, ``"ccd.alloy_thickness"``,
``"ocv_vs_Na_mV"``) into (label, converter) where the label is in words with the display
unit (:mod:`nakmodel.display_units`) and the converter maps the stored values to it.
"""

from __future__ import annotations

from ..display_units import axis_label, split_header, to_display

LABELS: dict[str, tuple[str, str | None]] = {
    # ccd outputs (SI in the files)
    "ccd": ("CCD", "A/m^2"), "critical_capacity": ("critical capacity", "C/m^2"),
    "max_current_density": ("highest current reached", "A/m^2"),
    "max_capacity": ("highest capacity reached", "C/m^2"),
    "inventory": ("Na inventory to the liquidus", "C/m^2"),
    "ccd_inventory_limit": ("CCD if inventory-limited", "A/m^2"),
    "critical_capacity_over_inventory": ("critical capacity / inventory", "-"),
    "ccd_voltage": ("CCD by the voltage limit", "A/m^2"),
    "ccd_liquidus": ("CCD at the liquidus", "A/m^2"),
    "ccd_solid_coverage": ("CCD by solid coverage", "A/m^2"),
    "ccd_crack": ("CCD by crack onset", "A/m^2"),
    "capacity_voltage": ("capacity at the voltage limit", "C/m^2"),
    "capacity_liquidus": ("capacity at the liquidus", "C/m^2"),
    "capacity_solid_coverage": ("capacity at solid coverage", "C/m^2"),
    "capacity_crack": ("capacity at crack onset", "C/m^2"),
    "k_ratio_max": ("largest K$_I$/K$_{IC}$", "-"), "x_Na": ("x$_{Na}$ of the alloy", "-"),
    # simulation outputs
    "capacity": ("net capacity", "C/m^2"), "stripped_capacity": ("stripped capacity", "C/m^2"),
    "plated_capacity": ("plated capacity", "C/m^2"), "duration": ("duration", "s"),
    "final_voltage": ("final cell voltage", "V"), "max_abs_voltage": ("largest |voltage|", "V"),
    "x_interface_min": ("lowest interface x$_{Na}$", "-"),
    "x_interface_max": ("highest interface x$_{Na}$", "-"),
    # thermodynamics outputs (already in display units in their names)
    "liquid_fraction": ("liquid fraction", "-"), "ocv_vs_Na_mV": ("OCV vs Na", "mV"),
    "interdiffusivity_m2_s": ("interdiffusivity", "m^2/s"),
    "strippable_mAh_cm2": ("strippable capacity (to the K-rich liquidus)", "mAh/cm^2"),
    "platable_mAh_cm2": ("platable capacity (to the Na-rich liquidus)", "mAh/cm^2"),
    # impedance outputs
    "R_total_ohm_cm2": ("total resistance", "Ω cm^2"),
    "R_alloy_ohm_cm2": ("alloy resistance", "Ω cm^2"),
    "R_interface_ohm_cm2": ("interface resistance", "Ω cm^2"),
    "R_ceramic_ohm_cm2": ("ceramic resistance", "Ω cm^2"),
    "R_counter_ohm_cm2": ("counter-electrode resistance", "Ω cm^2"),
    "R_unresolved_ohm_cm2": ("unresolved resistance", "Ω cm^2"),
    "tau_interface_s": ("interface time constant", "s_plain"),
    "series_capacitance_F_cm2": ("series capacitance", "F/cm^2"),
    # swept keys
    "temperature": ("temperature", "K"), "alloy.composition": ("x$_{Na}$ of the alloy", "-"),
    "cell.alloy_thickness": ("alloy thickness", "m"), "alloy_thickness": ("alloy thickness", "m"),
    "pellet_thickness": ("pellet thickness", "m"), "pellet_radius": ("pellet radius", "m"),
    "interface.exchange_current_density": ("exchange current density", "A/m^2"),
    "nasicon.conductivity": ("NASICON conductivity", "S/m"),
    "hold": ("hold per level", "s_plain"), "step": ("current step", "A/m^2"),
}
"""Column key (without a study prefix such as ``ccd.``) -> (words, unit of the stored
values).  ``"s_plain"``: seconds kept in s (time constants), not converted to hours."""


def _key(column: str) -> tuple[str, str | None]:
    name, unit = split_header(column)
    return name, unit


def describe(column: str):
    """(axis label, converter) of a column header or key (see module docstring)."""
    name, unit = _key(column)
    entry = LABELS.get(name) or LABELS.get(name.split(".", 1)[-1]) or LABELS.get(
        name.rsplit(".", 1)[-1])
    if entry is not None:
        words, stored = entry
    else:
        words = name.rsplit(".", 1)[-1].replace("_", " ")
        stored = unit
    if stored == "s_plain":
        return f"{words} [s]", lambda v: v
    if stored in (None, "SI"):
        return words, lambda v: v
    if stored in ("-", ""):
        return f"{words} [-]", lambda v: v
    if stored in ("mV", "mAh/cm^2", "m^2/s", "Ω cm^2", "F/cm^2", "S/m", "wt%", "at%"):
        shown = stored.replace("^2", "$^2$")
        return f"{words} [{shown}]", lambda v: v
    return axis_label(words, stored), lambda v, u=stored: to_display(v, u)
