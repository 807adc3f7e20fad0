"""The register: everything that touches the database (models, migrations, writes, reads,
imports, backup, integrity check, purge) and the workspace's settings."""
