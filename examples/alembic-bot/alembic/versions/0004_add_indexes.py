"""indexes for the scheduler"""
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    # Built without CONCURRENTLY on a table that already holds every scheduled post.
    op.create_index("ix_scheduled_posts_scheduled_at", "scheduled_posts", ["scheduled_at"])
    with op.get_context().autocommit_block():
        op.create_index("ix_scheduled_posts_channel_id", "scheduled_posts", ["channel_id"],
                        postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index("ix_scheduled_posts_channel_id", postgresql_concurrently=True)
    op.drop_index("ix_scheduled_posts_scheduled_at")
