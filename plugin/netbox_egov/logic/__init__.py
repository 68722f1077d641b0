"""Rules that are not about Django: plain functions, tested directly (ARCHITECTURE.md)."""
