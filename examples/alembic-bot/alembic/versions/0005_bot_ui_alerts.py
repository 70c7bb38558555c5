"""bot ui alerts"""
import sqlalchemy as sa
from alembic import op

revision = "0005_bot_ui_alerts"
down_revision = "0004"


def upgrade() -> None:
    op.add_column("users", sa.Column("alerts_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False))


def downgrade() -> None:
    op.drop_column("users", "alerts_enabled")
