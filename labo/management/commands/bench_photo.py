"""Thin wrapper: the command lives with the other development tools (labo.devtools)."""

from labo.devtools.photo_bench import PhotoBenchCommand as Command

__all__ = ["Command"]
