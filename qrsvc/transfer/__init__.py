"""Import, export and backup of relics and products."""
