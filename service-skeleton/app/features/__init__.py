"""Host side of the feature plug-in API: discover feature packages and install the enabled ones.

A feature is a subpackage of `app.features` exposing `install(app: FastAPI, settings: Settings)`;
an install that returns False declined (its own setting keeps it off) and is not listed as installed.
See README.md beside this file for what a feature may use.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI

from app.api.services import services
from app.core.log import get_logger
from app.core.settings import Settings

_log = get_logger("app.features")


def available_features() -> list[str]:
    """Feature packages present in this service, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg and not m.name.startswith("_"))


def enabled_features(settings: Settings) -> list[str]:
    """The features to install: FEATURES when set, else every feature present.

    Raises:
        ValueError: FEATURES names a feature this service does not have.
    """
    present = available_features()
    if settings.features is None:
        return present
    unknown = [name for name in settings.features if name not in present]
    if unknown:
        raise ValueError(f"FEATURES names {unknown}, but this service has only {present or 'no features'}")
    return [name for name in present if name in settings.features]


def install_features(app: FastAPI, settings: Settings) -> list[str]:
    """Import and install each enabled feature; a broken feature stops startup with its name."""
    installed: list[str] = []
    for name in enabled_features(settings):
        module = importlib.import_module(f"{__name__}.{name}")
        install = getattr(module, "install", None)
        if not callable(install):
            raise TypeError(f"feature {name!r} has no install(app, settings) function")
        if install(app, settings) is False:  # off by its own setting (e.g. SEARCH_ENABLED=false)
            continue
        installed.append(name)
    services(app).features = installed
    _log.info("features_installed", features=installed)
    return installed
