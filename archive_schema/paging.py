"""Long lists a page at a time (the audit log, the batches, the review list, proposals,
tombstones): a page's rows and the count of all, from one query, whatever the archive's
size."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
PER_PAGE = 50


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    total: int
    number: int = 1  # from 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first item in the whole list, from 1."""
        return (self.number - 1) * self.per_page + 1


def page_of(
    session: Session,
    query: Select[Any],
    number: int,
    per_page: int = PER_PAGE,
    columns: bool = False,
) -> tuple[list[Any], int]:
    """Page `number` of what `query` selects (its first column, or its rows of `columns`),
    and how many it selects in all."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    limited = query.limit(per_page).offset((max(1, number) - 1) * per_page)
    rows = list(session.execute(limited) if columns else session.scalars(limited))
    return rows, int(total or 0)
