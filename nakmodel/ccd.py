"""Deprecated alias: CCD extraction moved to :mod:`nakmodel.ccd_extraction` (the study kind
is :mod:`nakmodel.study.ccd`); kept for code written against the old name."""

from . import ccd_extraction as _target


def __getattr__(name):
    return getattr(_target, name)
