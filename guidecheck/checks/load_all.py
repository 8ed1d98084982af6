"""Imports every family module so that their checks register."""
from . import (  # noqa: F401
    basis,
    consistency,
    elements,
    faq,
    fees,
    intermediary,
    journeys,
    licences,
    links,
    location,
    materials,
    phones,
    portal,
    process,
    timelimits,
)
