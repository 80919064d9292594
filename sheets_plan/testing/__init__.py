"""Test helpers: Google API discovery-based request validation and field masks."""
