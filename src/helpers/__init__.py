"""helpers: all computation of the report book (notebooks narrate, helpers computes)."""

from .dataset import Dataset, load, write_rejects

__all__ = ["Dataset", "load", "write_rejects"]
__version__ = "0.1.0"
