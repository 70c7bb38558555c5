"""seed plans"""
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.execute("INSERT INTO plans (name) VALUES ('free'), ('pro')")


def downgrade() -> None:
    op.execute("DELETE FROM plans WHERE name IN ('free', 'pro')")
