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
# Prices in a query are text: a plain decimal that fits NUMERIC(12,2), nothing Decimal() would
# also take ("1e308", " 5", "NaN"). The pattern is the whole rule, so the schema states it exactly.
PRICE_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
PriceFilter = Annotated[str | None, Query(pattern=PRICE_PATTERN, description="A price such as 12.50 (0 to 9999999999.99).")]
# Optional filters are left out, not sent empty: an empty value is refused (it filtered on "").
Owner = Annotated[str | None, Query(min_length=1, max_length=255, pattern=NO_NUL)]
TagFilter = Annotated[str | None, Query(min_length=1, max_length=50, pattern=NO_NUL)]
NameQuery = Annotated[
    str | None, Query(min_length=1, max_length=200, pattern=NO_NUL, description="Case-insensitive substring of the name.")
]


def as_price(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def id_in_range(item_id: int) -> bool:
    """For routes that read the id without FastAPI's validation (app.api.hot_route)."""
    return 1 <= item_id <= MAX_ID
