"""Existing tools work unchanged: each surface a thin translation onto the domain services."""
