"""The articles a decision cites of its own, apart from those its annexes add.

`decisions.articles` is what the decision letter cites: the clerk's own articles (`request
decide --articles`, an import's `articles` column), then those its annexes make it cite (53
and 54 for blanked small counts, a document index's grounds, a. 50). `decisions.own_articles`
keeps the clerk's own, so that removing an annex drops from the decision the articles only
that annex made it cite, never one the clerk cited.

A decision recorded before this revision takes its whole list as its own: nothing is ever
dropped from it.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("own_articles", sa.Text(), nullable=False, server_default=""))
    op.execute("UPDATE decisions SET own_articles = articles")


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("own_articles")
