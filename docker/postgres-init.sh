#!/bin/sh
# Two databases on first start: Airflow's metadata and sohoa's catalog.
set -e
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE USER airflow PASSWORD '$POSTGRES_PASSWORD';
CREATE DATABASE airflow OWNER airflow;
CREATE USER sohoa PASSWORD '$POSTGRES_PASSWORD';
CREATE DATABASE sohoa OWNER sohoa;
SQL
