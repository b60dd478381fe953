"""Edge limits of the items API: every value a request carries fits the column it is compared
with (BIGINT ids, NUMERIC(12,2) prices, text without NUL), so the database never sees one it
would refuse with a 500; FastAPI answers 422 with the problem body instead."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**63 - 1  # BIGINT
MAX_PRICE = Decimal("9999999999.99")  # NUMERIC(12,2)
# PostgreSQL text cannot hold U+0000 (asyncpg raises CharacterNotInRepertoireError): refuse it here.
NO_NUL = r"^[^\x00]*$"

ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="The item's id (a positive 64-bit integer).")]
PriceFilter = Annotated[Decimal | None, Query(ge=0, le=MAX_PRICE, max_digits=12, decimal_places=2)]
Owner = Annotated[str | None, Query(max_length=255, pattern=NO_NUL)]
TagFilter = Annotated[str | None, Query(max_length=50, pattern=NO_NUL)]
NameQuery = Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="Case-insensitive substring of the name.")]


def id_in_range(item_id: int) -> bool:
    """For routes that read the id without FastAPI's validation (app.hot_route)."""
    return 1 <= item_id <= MAX_ID
