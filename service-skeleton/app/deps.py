"""Typed dependency aliases for route signatures: `session: WriteSession`, `principal: Editor`.
One place that says how a route gets a session or a caller, as full-stack-fastapi-template's deps.py does."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, require_user
from app.db import get_read_session, get_session

WriteSession = Annotated[AsyncSession, Depends(get_session)]
"""A session for a unit of work: a transaction begins at its first statement."""

ReadSession = Annotated[AsyncSession, Depends(get_read_session)]
"""An autocommit session for routes that only read: one round trip per statement."""

CurrentUser = Annotated[Principal, Depends(require_user)]
"""The authenticated caller (401 without a valid token); not rate limited, unlike `Guard`."""
