"""Imports every family module so that their checks register."""
from . import (  # noqa: F401
    basis,
    consistency,
    elements,
    faq,
    fees,
    journeys,
    links,
    location,
    materials,
    phones,
    process,
    timelimits,
)
