"""Dossier numbers are never reused: SQLite's AUTOINCREMENT (PostgreSQL's sequences never reuse).

Without it SQLite gives the highest deleted row id again, so a dossier deleted with "xóa thông tin
của tôi" had its number handed to the next citizen.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("dossiers", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("dossiers", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
