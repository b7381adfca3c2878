"""The `sohoa` command: `main` gathers the command families."""
