"""Readers of the search page, for locust (run by bench/load.py): each logs in, then searches
three times for each document it opens, a few seconds apart, as staff read results.

Settings (environment): SOHOA_LOAD_QUERIES, a JSON file of search page URLs;
SOHOA_LOAD_DOCUMENTS, the ids of archived records, comma-separated; SOHOA_LOAD_READERS,
how many reader accounts there are (`reader0`, `reader1` …, each reader its own: five
logins of one name at once would lock it), and SOHOA_LOAD_PASSWORD, theirs.
"""

import json
import os
import random
import re
from itertools import count
from pathlib import Path

from locust import HttpUser, between, task

QUERIES: list[str] = json.loads(Path(os.environ["SOHOA_LOAD_QUERIES"]).read_text())
DOCUMENTS = os.environ["SOHOA_LOAD_DOCUMENTS"].split(",")
ACCOUNTS = int(os.environ["SOHOA_LOAD_READERS"])
STARTED = count()


class Reader(HttpUser):
    wait_time = between(1, 5)

    def on_start(self) -> None:
        form = self.client.get("/login", name="login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        credentials = {
            "csrf": token.group(1) if token else "",
            "name": f"reader{next(STARTED) % ACCOUNTS}",
            "password": os.environ["SOHOA_LOAD_PASSWORD"],
        }
        self.client.post("/login", data=credentials, name="login")

    @task(3)
    def search(self) -> None:
        self.client.get(random.choice(QUERIES), name="search")

    @task(1)
    def open_document(self) -> None:
        self.client.get(f"/documents/{random.choice(DOCUMENTS)}", name="document")
