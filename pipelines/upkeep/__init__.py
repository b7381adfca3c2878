"""The archive's upkeep: fixity audits, the catalog rebuilt from the store, the review of
retention, the search index rebuilt, packages repaired, the leftovers of killed processes."""
