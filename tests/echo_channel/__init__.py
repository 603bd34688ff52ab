"""A channel made for the tests: one folder and one registry line (tests/test_serve_plugins.py)."""
