"""Import, export and backup of relics and products, and the archive of all data.

``formats`` reads and writes the JSON/CSV files, ``service`` checks and stores their
records (all rows or none; ``validation`` checks each row with the admin's own form),
``backup`` copies the database; ``all_data`` exports and restores the archive of all
data (``archive`` the ZIP, ``snapshot`` what it holds, ``checks`` and ``restore`` the
import; docs/transfer.md). ``cli`` and the admin's import page call them.
"""
