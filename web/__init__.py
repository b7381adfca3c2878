"""web: staff search, document pages, batch uploads and their progress (FastAPI, Jinja2
pages rendered on the server, a little JavaScript served from the package: no CDN)."""
