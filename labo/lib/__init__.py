"""Helpers that know no feature of the lab: HTTP, PDF, charts, exports, widgets, serializers."""
