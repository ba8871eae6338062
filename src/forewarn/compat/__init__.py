"""Compatibility surfaces (docs/product.md S12): other tools' APIs and hooks, each a thin
translation onto Forewarn's services, so every rule still applies."""
