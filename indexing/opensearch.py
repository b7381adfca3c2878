"""Production search: OpenSearch through opensearch-py, for an archive beyond one machine.

SOHOA_SEARCH_URL is `http(s)://[user:password@]host:port[/alias]` (alias: sohoa-documents),
with SOHOA_SEARCH_CA_FILE for a private certificate authority. Indexing goes through the
bulk helper, which retries what the cluster refuses while busy (HTTP 429) with backoff;
a document keeps its id, so indexing it again replaces it.
"""

import re
from base64 import b64encode
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import date
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import (
    AuthenticationException,
    AuthorizationException,
    NotFoundError,
    RequestError,
    SSLError,
    TransportError,
)
from opensearchpy.exceptions import ConnectionError as Unreachable

from archive_schema.models import Document
from indexing.base import (
    Hit,
    SearchIndexRefused,
    SearchIndexUnavailable,
    SearchQuery,
    SearchResults,
)
from indexing.entry import IndexEntry, entry
from indexing.fuzzy import Frequencies, correctable, corrected, suspect
from indexing.highlight import matched_in, snippet
from indexing.opensearch_mapping import DEFAULT_ALIAS, MAPPING_VERSION, index_template
from indexing.opensearch_query import (
    counted,
    counts_request,
    facets,
    neighbours_request,
    search_request,
    shown_pages_request,
    suggested,
)
from indexing.query import ParsedQuery, parse

_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
BULK_REQUESTS = 2  # bulk requests under way at once
BULK: dict[str, Any] = {
    "chunk_size": 250,  # records (of a few pages each) per bulk request
    "max_chunk_bytes": 20 * 1024 * 1024,
    "max_retries": 6,  # a busy cluster answers 429: wait 1, 2, 4 … 30 s and send again
    "initial_backoff": 1,
    "max_backoff": 30,
    "raise_on_error": False,
    "yield_ok": False,
}


class OpenSearchSearch:
    def __init__(self, url: str, ca_file: Path | None = None):
        parsed = urlparse(url)
        self.alias = parsed.path.strip("/") or DEFAULT_ALIAS
        self.where = f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 9200}/{self.alias}"
        if not _ALIAS.match(self.alias):
            raise SearchIndexRefused(
                f"SOHOA_SEARCH_URL {self.where}: the index name {self.alias!r} must be lower"
                " case letters, digits, '-' and '_'"
            )
        user, password = unquote(parsed.username or ""), unquote(parsed.password or "")
        # Basic auth in UTF-8 (RFC 7617): urllib3's own would refuse a password like "mật khẩu".
        credentials = b64encode(f"{user}:{password}".encode()).decode()
        self.client = OpenSearch(
            hosts=[{"host": parsed.hostname, "port": parsed.port or 9200}],
            use_ssl=parsed.scheme == "https",
            verify_certs=True,
            ca_certs=str(ca_file) if ca_file else None,
            headers={"authorization": f"Basic {credentials}"} if user else None,
            timeout=60,
            max_retries=3,
            retry_on_timeout=True,
        )
        with self._errors():
            self.client.indices.put_index_template(name=self.alias, body=index_template(self.alias))
            if not self.client.indices.exists_alias(name=self.alias):
                self._create_first_index()
            mapping = self.client.indices.get_mapping(index=self.alias)
        versions = {m["mappings"].get("_meta", {}).get("mapping_version") for m in mapping.values()}
        self.current = versions == {MAPPING_VERSION}

    def index(self, documents: Iterable[Document]) -> None:
        self._check_mapping()
        with self._errors():
            self._bulk(self.alias, documents)
            self.client.indices.refresh(index=self.alias)

    def rebuild(self, documents: Iterable[Document]) -> int:
        """Into a new index version, searches answered from the old one until the alias
        moves to the new one; the old one is then deleted."""
        with self._errors():
            old = list(self.client.indices.get_alias(name=self.alias))
            new = f"{self.alias}-v{self._last_version() + 1}"
            self.client.indices.create(index=new, body={"settings": {"refresh_interval": "-1"}})
            try:
                count = self._bulk(new, documents)
                self.client.indices.put_settings(
                    index=new, body={"index": {"refresh_interval": None}}
                )
                self.client.indices.refresh(index=new)
                moves = [{"remove": {"index": name, "alias": self.alias}} for name in old]
                moves.append({"add": {"index": new, "alias": self.alias}})
                self.client.indices.update_aliases(body={"actions": moves})
            except BaseException:
                self.client.indices.delete(index=new)
                raise
            for name in old:
                self.client.indices.delete(index=name)
        self.current = True
        return count

    def document_ids(self) -> set[str]:
        with self._errors():
            hits = helpers.scan(self.client, index=self.alias, query={"_source": False})
            return {hit["_id"] for hit in hits}

    def delete(self, document_id: str) -> None:
        with self._errors(), suppress(NotFoundError):
            self.client.delete(index=self.alias, id=document_id, refresh=True)

    def search(self, query: SearchQuery) -> SearchResults:
        self._check_mapping()
        parsed = parse(query.text)
        if parsed.empty or not query.access_levels:
            return SearchResults(total=0)
        with self._errors():
            answer = self.client.search(index=self.alias, body=search_request(parsed, query))
            parsed, answer = self._misspelt_searched_again(parsed, query, answer)
            found = answer["hits"]["hits"]
            pages = self._shown_pages(parsed, [hit["_id"] for hit in found])
        hits = [_hit(hit, pages.get(hit["_id"], {}), parsed) for hit in found]
        total = answer["hits"]["total"]["value"]
        return SearchResults(total=total, hits=hits, facets=facets(answer["aggregations"]))

    def close(self) -> None:
        self.client.close()

    def _misspelt_searched_again(
        self, parsed: ParsedQuery, query: SearchQuery, answer: dict[str, Any]
    ) -> tuple[ParsedQuery, dict[str, Any]]:
        """The search `answer` and what it answers, or, when a word of `parsed` is rare
        enough to be misspelt (indexing.fuzzy), the search again with its neighbours. Each
        word is in every record found: when many are found, none is rare, and nothing more
        is asked. The count of records is kept by the node until its next refresh."""
        asked = correctable(parsed)
        if not asked:
            return parsed, answer
        records = self.client.count(index=self.alias)["count"]
        if not suspect(answer["hits"]["total"]["value"], records):
            return parsed, answer
        counts = self.client.search(index=self.alias, body=counts_request(asked))
        held = counted(asked, counts["aggregations"])
        if not any(suspect(held[word], records) for word in asked):
            return parsed, answer
        fixed = corrected(parsed, partial(self._nearby, held, records))
        if not fixed.near:
            return parsed, answer
        return fixed, self.client.search(index=self.alias, body=search_request(fixed, query))

    def _shown_pages(self, parsed: ParsedQuery, hits: list[str]) -> dict[str, dict[str, Any]]:
        """Each hit's page ({number, text}) by record id; none for a record without pages."""
        if not hits:
            return {}
        answer = self.client.search(index=self.alias, body=shown_pages_request(parsed, hits))
        return {
            found["_id"]: found["inner_hits"]["shown"]["hits"]["hits"][0]["_source"]
            for found in answer["hits"]["hits"]
        }

    def _nearby(self, held: dict[str, int], records: int, asked: list[str]) -> Frequencies:
        """indexing.fuzzy's frequencies, of the words `held` by so many of the `records`:
        those one edit away from a word rare enough to be misspelt are found by the term
        suggester, then counted as SQLite counts them."""
        rare = [word for word in asked if suspect(held[word], records)]
        answer = self.client.search(index=self.alias, body=neighbours_request(rare))
        near = suggested(rare, answer)
        candidates = sorted(set().union(*near.values()))
        found = {}
        if candidates:
            answer = self.client.search(index=self.alias, body=counts_request(candidates))
            found = counted(candidates, answer["aggregations"])
        return {
            word: (held[word], {n: found[n] for n in near.get(word, ()) if found[n]})
            for word in asked
        }

    def _bulk(self, index: str, documents: Iterable[Document]) -> int:
        """Index `documents` in chunks, BULK_REQUESTS requests under way at once (the node
        indexes each on a thread of its own while the next ones are prepared); at most
        twice as many chunks wait in memory."""
        count, failures = 0, []
        waiting: deque[Future[list[dict[str, Any]]]] = deque()
        with ThreadPoolExecutor(BULK_REQUESTS) as senders:
            for chunk in _chunks(documents, BULK["chunk_size"]):
                actions = [
                    {"_index": index, "_id": doc.id, "_source": _source(entry(doc))}
                    for doc in chunk
                ]
                count += len(actions)
                waiting.append(senders.submit(self._send, actions))
                if len(waiting) > 2 * BULK_REQUESTS:
                    failures += waiting.popleft().result()
            for sent in waiting:
                failures += sent.result()
        if failures:
            shown = [f"{info['_id']}: {info.get('error')}" for f in failures for info in f.values()]
            raise SearchIndexRefused(
                f"{len(failures)} documents could not be indexed in {self.where}:\n"
                + "\n".join(shown[:10])
            )
        return count

    def _send(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One chunk through the bulk helper; what it could not index."""
        return [item for _, item in helpers.streaming_bulk(self.client, actions, **BULK)]

    def _create_first_index(self) -> None:
        try:
            self.client.indices.create(index=f"{self.alias}-v1", body={"aliases": {self.alias: {}}})
        except RequestError as error:
            if error.error != "resource_already_exists_exception":  # created by another process
                raise

    def _last_version(self) -> int:
        names = self.client.indices.get(index=f"{self.alias}-v*")
        return max((int(name.rsplit("-v", 1)[1]) for name in names), default=0)

    def _check_mapping(self) -> None:
        if not self.current:
            raise SearchIndexRefused(
                f"the search index {self.where} was made by another version of sohoa:"
                " rebuild it from the archive with `sohoa reindex`"
            )

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """OpenSearch's faults as messages that say what to do."""
        try:
            yield
        except SSLError as error:
            raise SearchIndexRefused(
                f"TLS with OpenSearch at {self.where} failed ({error.info}): set"
                " SOHOA_SEARCH_CA_FILE to the certificate authority of its certificate"
            ) from error
        except Unreachable as error:
            raise SearchIndexUnavailable(
                f"cannot reach OpenSearch at {self.where} ({error.info}): start it"
                " (`make opensearch`) or set SOHOA_SEARCH_URL"
            ) from error
        except (AuthenticationException, AuthorizationException) as error:
            raise SearchIndexRefused(
                f"OpenSearch at {self.where} refused the user and password of"
                f" SOHOA_SEARCH_URL ({error.status_code})"
            ) from error
        except TransportError as error:
            busy = isinstance(error.status_code, int) and (
                error.status_code >= 500 or error.status_code == 429
            )
            raise (SearchIndexUnavailable if busy else SearchIndexRefused)(
                f"OpenSearch at {self.where} refused the request: {error.status_code}"
                f" {error.error} {error.info}"[:1000]
            ) from error


def _hit(found: dict[str, Any], page: dict[str, Any], parsed: ParsedQuery) -> Hit:
    shown = found["_source"]
    passage = snippet(page.get("text", ""), parsed.folded_forms)
    issued = shown.get("issue_date")
    return Hit(
        document_id=found["_id"],
        page=page.get("number", 1),
        score=found["_score"],
        snippet=passage,
        doc_type=shown.get("doc_type"),
        number_symbol=shown.get("number_symbol"),
        issue_date=date.fromisoformat(issued) if issued else None,
        issuing_agency=shown.get("issuing_agency"),
        subject=shown.get("subject"),
        signer_name=shown.get("signer_name"),
        access_level=shown["access_level"],
        matched=matched_in(parsed, shown, passage),
    )


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _source(e: IndexEntry) -> dict[str, Any]:
    return {
        "document_id": e.id,
        "doc_type": e.doc_type,
        "number_symbol": e.number_symbol,
        "number_key": e.number_key,
        "issue_date": e.issue_date.isoformat() if e.issue_date else None,
        "year": e.year,
        "issuing_agency": e.issuing_agency,
        "subject": e.subject,
        "signer_name": e.signer_name,
        "access_level": e.access_level,
        "retention_status": e.retention_status,
        "needs_review": e.needs_review,
        "signed": e.signed,
        "meta": e.meta_words,
        "words": e.words,
        "pages": [
            {"number": number, "text": text, "words": page_words}
            for (number, text), page_words in zip(e.pages, e.page_words, strict=True)
        ],
    }
