"""Planned work (docs/product.md S4): life cycle, notification plan, start and end; not built yet."""
