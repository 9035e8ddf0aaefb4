"""Thin wrapper: the command lives with the other development tools (labo.devtools)."""

from labo.devtools.document_pages import DocumentPagesCommand as Command

__all__ = ["Command"]
