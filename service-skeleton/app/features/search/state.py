"""`SearchState`: what the search routes need, provided on the app's `Services` by `install`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.features.search.settings import SearchSettings


@dataclass
class SearchState:
    settings: SearchSettings
    backend: Any
    indexer: Any
