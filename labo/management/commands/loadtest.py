"""Thin wrapper: the command lives with the other development tools (labo.devtools)."""

from labo.devtools.loadtest import LoadtestCommand as Command

__all__ = ["Command"]
