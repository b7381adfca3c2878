"""The machinery of the archive, one sub-package per subsystem: `ingest` (batches to
archived records), `store` (the archive store), `package` (the E-ARK package and every
store key), `records_office` (reclassification, holds, destruction), `upkeep` (fixity,
rebuild, review, reindex, repair, leftovers), `uploads` (the web's batches, Airflow's API),
`cli` (the `sohoa` command); `settings` and `archive` (what every command opens)."""
