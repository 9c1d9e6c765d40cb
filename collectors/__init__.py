"""gigwatch collectors: fetching, parsing, normalising and storing what AI-training platforms publish."""

__version__ = "0.1.0"
