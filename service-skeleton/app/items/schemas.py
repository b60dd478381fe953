"""Request and response models of the items API."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema, field_validator

from app.items.params import MAX_PRICE, NO_NUL, PRICE_PATTERN

# Limits and patterns are checked on the text as sent and the name is trimmed afterwards, so the
# schema a client or a fuzzer reads accepts and refuses exactly what the service does. The class
# lists what str.strip() removes, spelled out: regex engines disagree on what `\s` means.
_STRIPPED = r"\t\n\v\f\r\x1c-\x1f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NAME_PATTERN = rf"^[^\x00]*[^\x00{_STRIPPED}][^\x00]*$"  # no NUL, not blank
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NAME_PATTERN), AfterValidator(str.strip)]
Description = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
Tag = Annotated[
    str,
    StringConstraints(to_lower=True, min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
]
# NUMERIC(12,2): a JSON number or a decimal string, at most 2 decimal places, 0 to 9999999999.99.
Price = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MAX_PRICE), "multipleOf": 0.01},
                {"type": "string", "pattern": PRICE_PATTERN},
            ]
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}, mode="serialization"),
]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _optional() -> Any:
    """A PATCH field that may be left out but not sent as null (the schema says so, not only the route)."""
    return Field(default=None, json_schema_extra=_no_default)


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

    name: Name = _optional()
    description: Description | None = None  # null clears it
    price: Price = _optional()
    tags: Tags = _optional()


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
