"""Planned work (docs/product.md S4): life cycle, notification plan, start, end; to be built."""
