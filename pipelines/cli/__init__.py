"""The `sohoa` command (DESIGN "Command line"): `main` gathers the command families."""
