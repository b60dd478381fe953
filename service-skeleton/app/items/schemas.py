"""Request and response models of the items API."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.items.params import MAX_PRICE, NO_NUL

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL)]
Description = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
]
Price = Annotated[Decimal, Field(ge=0, le=MAX_PRICE, max_digits=12, decimal_places=2)]


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


Tags = Annotated[list[Tag], Field(max_length=20), AfterValidator(_unique)]


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None
    price: Price
    tags: Tags = Field(default_factory=list)


class ItemUpdate(BaseModel):
    """PATCH body: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
    price: Price | None = None
    tags: Tags | None = None


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    price: Decimal
    tags: list[str]
    owner: str
    created_at: datetime
    updated_at: datetime

    @field_validator("created_at", "updated_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # SQLite hands back naive datetimes (stored in UTC); PostgreSQL timestamptz is aware.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")
    limit: int
