"""Staff accounts for the officers' console (argon2 hashes), and the channel of each question asked
(questions per day by channel on the analytics page).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("channel", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("channel")
    op.drop_table("staff_accounts")
