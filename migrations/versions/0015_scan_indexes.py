"""scans: indexes for the dashboard at a province's scale (issue 15, bench/province.py)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

With ten million scan rows the dashboard took seconds: its sums of the last days read
every row of those days from the table, and the "silent signs" read every relic scan
ever counted to find each relic's last day. Two indexes on ``scan_counts``:

- ``ix_scan_counts_source_day`` (source, day), carrying the other columns the dashboard
  adds up (PostgreSQL ``INCLUDE``): the sums of the last days read the index alone;
- ``ix_scan_counts_target`` (target_kind, target_id, source, day), carrying ``count``:
  the last scan day of one relic is one step down the index.

And a partial index of the stamps that need a look (``ix_stamp_states_alerts``): the
counterfeit alerts read those few rows instead of every stamp ever scanned.
"""

import sqlalchemy as sa
from alembic import op

#: The stamps the dashboard's counterfeit alerts list (qrsvc.stamps.alerts).
ALERTS = "alert_reason <> '' OR pin_failures >= 5"

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_scan_counts_source_day",
        "scan_counts",
        ["source", "day"],
        postgresql_include=["target_kind", "target_id", "lang", "device", "count"],
    )
    op.create_index(
        "ix_scan_counts_target",
        "scan_counts",
        ["target_kind", "target_id", "source", "day"],
        postgresql_include=["count"],
    )
    op.create_index(
        "ix_stamp_states_alerts",
        "stamp_states",
        ["serial"],
        postgresql_where=sa.text(ALERTS),
        sqlite_where=sa.text(ALERTS),
    )


def downgrade():
    op.drop_index("ix_stamp_states_alerts", table_name="stamp_states")
    op.drop_index("ix_scan_counts_target", table_name="scan_counts")
    op.drop_index("ix_scan_counts_source_day", table_name="scan_counts")
