"""Handovers know the client that asked (the gateway's keyed hash of its address), so that one client
cannot fill the officers' waiting queue (attack run 3). Older rows have none.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handovers") as batch:
        batch.add_column(sa.Column("client", sa.String(64)))
        batch.create_index("ix_handovers_client", ["client"])


def downgrade() -> None:
    with op.batch_alter_table("handovers") as batch:
        batch.drop_index("ix_handovers_client")
        batch.drop_column("client")
