"""guidecheck: checks government service guides against assessment schemes."""
__version__ = "0.1.0"
