"""Dossier statuses stored as stable codes instead of their Vietnamese labels.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CODES = {"nháp": "draft", "đã nộp": "submitted", "cần bổ sung": "needs_more", "đã có kết quả": "done"}
dossiers = sa.table("dossiers", sa.column("status", sa.String))


def upgrade() -> None:
    for label, code in CODES.items():
        op.execute(dossiers.update().where(dossiers.c.status == label).values(status=code))


def downgrade() -> None:
    for label, code in CODES.items():
        op.execute(dossiers.update().where(dossiers.c.status == code).values(status=label))
