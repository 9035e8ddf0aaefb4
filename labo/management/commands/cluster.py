"""Thin wrapper: the command lives with the other development tools (labo.devtools)."""

from labo.devtools.cluster import ClusterCommand as Command

__all__ = ["Command"]
