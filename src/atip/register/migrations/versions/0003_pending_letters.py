"""Letters issued in two steps: journaled as pending with their hashes, then made visible; and
letter kinds up to 64 characters.

A letter row is committed with `pending` true and the names of its staging files before any file
is renamed into place; once the files are in place, `pending` is cleared. `atip check` and the
next command that issues letters finish or roll back a pending row left by a crash.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(
            sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("staging", sa.Text(), nullable=True))
    # Letter kinds such as "third-party-notice_requester" are longer than 16 characters.
    # SQLite enforces no length: only the other backends need the wider column.
    if op.get_context().dialect.name != "sqlite":
        op.alter_column("letters", "kind", type_=sa.String(length=64))


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("staging")
        batch.drop_column("pending")
