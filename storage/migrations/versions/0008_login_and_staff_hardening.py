"""Security review fixes: a login link bound to the browser that asked for it (or confirmed in its
chat), staff sessions that a logout revokes, audit details long enough for an alias's phrase, alias ids
never reused (SQLite's AUTOINCREMENT; PostgreSQL's sequences never reuse).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_links") as batch:
        batch.add_column(sa.Column("browser_hash", sa.String(64)))
    op.create_table(
        "login_confirmations",
        sa.Column("conversation_id", sa.String(128), primary_key=True),
        sa.Column("citizen_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("audit") as batch:
        batch.alter_column("detail", type_=sa.String(255), existing_type=sa.String(64))
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("learned_aliases", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("learned_aliases", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
    with op.batch_alter_table("audit") as batch:
        batch.alter_column("detail", type_=sa.String(64), existing_type=sa.String(255))
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_column("session_version")
    op.drop_table("login_confirmations")
    with op.batch_alter_table("login_links") as batch:
        batch.drop_column("browser_hash")
