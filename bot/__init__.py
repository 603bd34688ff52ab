"""Lotsen: a municipality's one way in (en väg in) for business owners."""

__version__ = "0.1.0"
