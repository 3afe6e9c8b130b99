"""Areas (communes since 2025, with their former communes and districts) and the lists
that are filtered by them: filters, pagination and search through the database."""
