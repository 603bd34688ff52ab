"""Retention: what Lotsen deletes or anonymises, and when (the municipality's records policy)."""
