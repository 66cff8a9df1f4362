"""Analytics questions tied to their conversation (a hash of its id), so that erasing a conversation
removes its questions too: the masker cannot know every identifier a citizen may type. Older rows have
none and age out with the retention period.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("conversation_hash", sa.String(64)))
        batch.create_index("ix_questions_conversation_hash", ["conversation_hash"])


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_index("ix_questions_conversation_hash")
        batch.drop_column("conversation_hash")
