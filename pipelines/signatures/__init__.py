"""Digital signatures (chữ ký số): those of electronic originals validated (never altered)."""
