"""The transform stage: dbt on the work DB (``dbt``: build of what changed, the rules
fingerprint and the checksum decision the CLI and the nightly DAG share, docs site,
source freshness). The SQL itself lives in ``dbt_project/``."""
