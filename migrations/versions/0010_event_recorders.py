"""events: who recorded an event is never shown by their sign-in e-mail

Events recorded in the admin by an account without a display name stored that
account's e-mail as the recorder's name, which buyers saw on the batch page, in the
API and in EPCIS. Those names are emptied (data only, no schema change).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE trace_events SET recorded_by_name = '' WHERE recorded_by_name IN "
        "(SELECT users.email FROM users WHERE users.id = trace_events.recorded_by_id)"
    )


def downgrade():
    pass  # the e-mails are not put back on public pages
