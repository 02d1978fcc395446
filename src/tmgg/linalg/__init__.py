"""Linear algebra shared by models, noise and metrics."""

from tmgg.linalg.symmetric_eigen import eigh, eigvalsh

__all__ = ["eigh", "eigvalsh"]
