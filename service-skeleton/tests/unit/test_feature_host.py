"""The feature plug-in host: discovery, FEATURES filtering, install contract, shared objects."""

from __future__ import annotations

import sys
import types

import pytest

from app import features as host
from app.api.services import services
from app.core.settings import Settings
from service_testing import running


def test_discovers_feature_packages_present():
    present = host.available_features()
    assert present == sorted(present)
    assert all(not name.startswith("_") for name in present)


def test_features_setting_filters_and_rejects_unknown_names():
    present = host.available_features()
    assert host.enabled_features(Settings(features=None)) == present
    assert host.enabled_features(Settings(features=[])) == []
    with pytest.raises(ValueError, match="no-such-feature"):
        host.enabled_features(Settings(features=["no-such-feature"]))


async def test_a_feature_gets_the_host_api(app_factory, monkeypatch, auth_header):
    """A fake feature package installed through the real discovery path."""
    from fastapi import APIRouter, Depends

    from app.auth import Principal, require_roles

    calls: list[str] = []
    module = types.ModuleType("app.features.zz_probe")

    def install(app, settings):
        router = APIRouter(prefix="/probe")

        @router.get("")
        async def probe(principal: Principal = Depends(require_roles("admin"))) -> dict:
            return {"subject": principal.subject}

        app.include_router(router)

        async def check() -> None:
            calls.append("check")

        async def stop() -> None:
            calls.append("shutdown")

        shared = services(app)
        shared.readiness.register("zz_probe", check)
        shared.lifecycle.on_shutdown(stop)
        assert shared.settings is settings
        assert shared.redis is None  # REDIS_URL unset
        assert shared.db.sessionmaker is not None
        assert shared.metrics.registry is not None

    module.install = install
    monkeypatch.setitem(sys.modules, "app.features.zz_probe", module)
    monkeypatch.setattr(host, "available_features", lambda: ["zz_probe"])
    app = app_factory(features=None)
    assert services(app).features == ["zz_probe"]
    async with running(app) as client:
        assert (await client.get("/probe", headers=auth_header(sub="a", roles=["admin"]))).json() == {"subject": "a"}
        assert (await client.get("/probe", headers=auth_header(sub="a"))).status_code == 403
        ready = await client.get("/readyz")
        assert ready.json()["checks"]["zz_probe"] == {"status": "ok"}
    assert calls == ["check", "shutdown"]


def test_a_feature_without_install_stops_startup(app_factory, monkeypatch):
    monkeypatch.setitem(sys.modules, "app.features.zz_broken", types.ModuleType("app.features.zz_broken"))
    monkeypatch.setattr(host, "available_features", lambda: ["zz_broken"])
    with pytest.raises(TypeError, match="zz_broken"):
        app_factory(features=None)


async def test_every_present_feature_installs_and_the_app_serves(client_factory, monkeypatch):
    """Smoke test of the service as generated with every feature: starts, is live, stops cleanly."""
    monkeypatch.setenv("SEARCH_ENABLED", "true")
    async with client_factory(features=None) as client:
        assert services(client.app).features == host.available_features()
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200



def test_a_feature_that_declines_is_not_listed(app_factory, monkeypatch):
    """An install that returns False (off by its own setting) is not reported as installed."""
    module = types.ModuleType("app.features.zz_off")
    module.install = lambda app, settings: False
    monkeypatch.setitem(sys.modules, "app.features.zz_off", module)
    monkeypatch.setattr(host, "available_features", lambda: ["zz_off"])
    assert services(app_factory(features=None)).features == []


def test_a_feature_object_is_found_by_its_class_once(app_factory):
    class Probe:
        pass

    shared = services(app_factory(features=[]))
    with pytest.raises(LookupError, match="Probe"):
        shared.get(Probe)
    probe = Probe()
    shared.provide(probe)
    assert shared.get(Probe) is probe
    with pytest.raises(ValueError, match="already provided"):
        shared.provide(Probe())
