"""Batches handed in through the web: the embedded queue that archives them, and Airflow's
REST API when they go to Airflow instead."""
