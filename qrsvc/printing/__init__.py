"""Printing jobs: signs, labels and stamp sheets from the database, in the background."""
