"""Import, export and backup of relics and products.

``formats`` reads and writes the files, ``service`` checks and stores records
(all rows or none), ``backup`` copies the database; ``cli`` and the admin's
import page call them.
"""
