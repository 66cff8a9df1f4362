"""Proven identities: login links, conversation → citizen links; profiles keyed by the citizen.

Profiles were kept for any consenting conversation, an identity nobody had proven; they are
dropped (the trust model keeps personal data only for a signed-in citizen). Dossiers remember the
citizen they were filed for, so a signed-in citizen finds them from any conversation.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_links",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "identity_links",
        sa.Column("conversation_id", sa.String(128), primary_key=True),
        sa.Column("citizen_id", sa.String(64), nullable=False, index=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_table("profiles")
    op.create_table(
        "profiles",
        sa.Column("citizen_id", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("citizen_id", sa.String(64)))
    op.create_index("ix_dossiers_citizen_id", "dossiers", ["citizen_id"])


def downgrade() -> None:
    op.drop_index("ix_dossiers_citizen_id", "dossiers")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("citizen_id")
    op.drop_table("profiles")
    op.create_table(
        "profiles",
        sa.Column("sender_id", sa.String(128), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_table("identity_links")
    op.drop_table("login_links")
