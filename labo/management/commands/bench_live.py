"""Thin wrapper: the command lives with the other development tools (labo.devtools)."""

from labo.devtools.live_bench import LiveBenchCommand as Command

__all__ = ["Command"]
