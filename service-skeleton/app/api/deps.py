"""Typed dependency aliases for route signatures: `session: WriteSession`, `principal: Editor`.
One place that says how a route gets a session or a caller, as full-stack-fastapi-template's deps.py does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.services import services
from app.auth import Principal, require_user


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Dependency: one session per request, for a unit of work that writes."""
    async with services(request.app).db.session() as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Dependency: one autocommit session per request, for routes that only read."""
    async with services(request.app).db.read_session() as session:
        yield session


WriteSession = Annotated[AsyncSession, Depends(get_session)]
"""A session for a unit of work: a transaction begins at its first statement."""

ReadSession = Annotated[AsyncSession, Depends(get_read_session)]
"""An autocommit session for routes that only read: one round trip per statement."""

CurrentUser = Annotated[Principal, Depends(require_user)]
"""The authenticated caller (401 without a valid token); not rate limited, unlike `Guard`."""
