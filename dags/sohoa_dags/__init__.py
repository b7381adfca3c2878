"""sohoa's Airflow DAG files, thin over `pipelines`, and what they share (`defaults`).

A package with a name of its own, so that nothing collides with another project's modules
in a shared deployment, and import-linter can check its arrows."""
