"""Attacks and faults through the public surface (issue 14), kept as tests."""
