"""analytics fusion optimizations (written on a parallel branch)"""
import sqlalchemy as sa
from alembic import op

revision = "0005_analytics_fusion"
down_revision = "0004"


def upgrade() -> None:
    op.add_column("channels", sa.Column("subscriber_count", sa.BigInteger(), server_default="0", nullable=False))
    op.execute("UPDATE channels SET subscriber_count = 0")


def downgrade() -> None:
    pass
