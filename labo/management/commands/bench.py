"""Thin wrapper: the command lives with the other development tools (labo.devtools)."""

from labo.devtools.bench import BenchCommand as Command

__all__ = ["Command"]
