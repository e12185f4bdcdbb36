"""Packaged data: the default parameter set."""
