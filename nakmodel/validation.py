"""Deprecated alias: the validation framework moved to :mod:`nakmodel.validation_framework`
(the reference cases live in the repository's ``validation/`` folder); kept for case files
written against the old name."""

from . import validation_framework as _target


def __getattr__(name):
    return getattr(_target, name)
