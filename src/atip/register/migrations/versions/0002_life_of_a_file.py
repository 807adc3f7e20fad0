"""The life of a file: courtesy titles, withdrawal, void entries, third parties, fees, and
the reason given for each correction in the journal.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("requesters") as batch:
        batch.add_column(sa.Column("courtesy", sa.String(length=64), nullable=True))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("why", sa.Text(), nullable=True))
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("voided_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
    op.create_table(
        "third_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("observations_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_third_parties_request_id", "third_parties", ["request_id"])
    op.create_table(
        "fees",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("estimate", sa.Numeric(12, 2), nullable=True),
        sa.Column("estimated_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("waived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"]),
        sa.PrimaryKeyConstraint("request_id"),
    )
    # Existing third-party notices become the request's first (unnamed) third party.
    op.execute(
        "INSERT INTO third_parties (request_id, position, notified_on, observations_on) "
        "SELECT id, 1, third_party_notified_on, observations_on FROM requests "
        "WHERE third_party_notified_on IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("fees")
    op.drop_index("ix_third_parties_request_id", table_name="third_parties")
    op.drop_table("third_parties")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("void_reason")
        batch.drop_column("voided_on")
        batch.drop_column("withdrawn_on")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("why")
    with op.batch_alter_table("requesters") as batch:
        batch.drop_column("courtesy")
