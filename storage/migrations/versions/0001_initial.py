"""The schema as it stood before migrations: handover, analytics, channel state, profiles, dossiers.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _at(name: str = "at", **kwargs) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kwargs)


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("officer", sa.String(64)),
        _at("created_at", nullable=False),
        _at("closed_at"),
    )
    op.create_table(
        "transcript",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("handover_id", sa.Integer, nullable=False, index=True),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        _at(nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(128), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("delivered", sa.Boolean, nullable=False),
        _at(nullable=False),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("procedure_code", sa.String(32)),
        sa.Column("confident", sa.Boolean, nullable=False),
        _at(nullable=False, index=True),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("procedure_code", sa.String(32)),
        sa.Column("question", sa.Text),
        sa.Column("rating", sa.Integer, nullable=False),
        _at(nullable=False, index=True),
    )
    op.create_table(
        "payloads",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_table(
        "channel_tokens",
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("access_token", sa.Text, nullable=False),
        sa.Column("refresh_token", sa.Text, nullable=False),
        _at("expires_at"),
    )
    op.create_table(
        "seen_events",
        sa.Column("key", sa.String(160), primary_key=True),
        _at(nullable=False),
    )
    op.create_table(
        "profiles",
        sa.Column("sender_id", sa.String(128), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        _at("consented_at", nullable=False),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(32), unique=True),
        sa.Column("access_key", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False, index=True),
        sa.Column("procedure_code", sa.String(32), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("note", sa.Text),
        _at("created_at", nullable=False),
        _at("updated_at", nullable=False),
    )


def downgrade() -> None:
    for table in ("dossiers", "profiles", "seen_events", "channel_tokens", "payloads", "feedback", "questions",
                  "outbox", "transcript", "handovers"):
        op.drop_table(table)
