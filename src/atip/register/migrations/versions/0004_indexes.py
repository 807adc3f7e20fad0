"""Indexes for the annual statistics and the lists of running files.

- `ix_requests_annual` covers the annual statistics (`annual_counts.annual`,
  `monthly_received`): the requests received in a fiscal year, with every column the counts
  read, so the year is one range of the index and no table row is read.
- `ix_requests_open` serves the lists of running files (`reader.requests`: open, overdue, due
  within; `report deadlines`): not void, not decided, not withdrawn, by decision date. It
  replaces `ix_requests_open_due` (decided_on, decision_due), which it extends.
- `ix_requests_in_review` serves the decided files whose review period still runs (a. 135;
  `request list --in-review`, `report deadlines`): no review filed, not withdrawn, by
  review deadline; decided and not void read from the index.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"

ANNUAL = [
    "received_on",
    "kind",
    "voided_on",
    "decided_on",
    "outcome",
    "response_due",
    "extended_due",
    "withdrawn_on",
    "decision_due",
    "accommodation",
    "review_filed_on",
]
# Not `voided_on` first: nearly every request has none, and a planner without statistics
# (SQLite's, as atip runs no ANALYZE) takes `voided_on IS NULL` for a selective equality.
OPEN = ["decided_on", "withdrawn_on", "voided_on", "decision_due"]
IN_REVIEW = ["review_filed_on", "withdrawn_on", "review_deadline", "decided_on", "voided_on"]


def upgrade() -> None:
    op.create_index("ix_requests_annual", "requests", ANNUAL, unique=False)
    op.create_index("ix_requests_open", "requests", OPEN, unique=False)
    op.create_index("ix_requests_in_review", "requests", IN_REVIEW, unique=False)
    op.drop_index("ix_requests_open_due", table_name="requests")


def downgrade() -> None:
    op.create_index(
        "ix_requests_open_due", "requests", ["decided_on", "decision_due"], unique=False
    )
    op.drop_index("ix_requests_in_review", table_name="requests")
    op.drop_index("ix_requests_open", table_name="requests")
    op.drop_index("ix_requests_annual", table_name="requests")
