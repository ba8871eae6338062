"""Incidents (docs/product.md S5): priorities, updates, cadence and escalation; not built yet."""
