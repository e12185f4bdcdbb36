"""Small-signal impedance of the model and its exact relaxation spectrum."""

from .linear import LinearizedSystem, RelaxationSpectrum, check_frequencies

__all__ = ["LinearizedSystem", "RelaxationSpectrum", "check_frequencies"]
