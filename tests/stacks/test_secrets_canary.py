"""No secret value reaches a plan: distinctive canaries go in wherever a secret can enter, then are searched for.

Where a secret can enter a plan of this platform, and the canary for each:
- a value a layer reads from Secrets Manager (the OIDC client secret of an SSO provider): the engine's mock
  answers `getSecretVersion` with a canary, as AWS would answer `up` with the real secret;
- the environment of whoever runs `plan`: AWS keys, Pulumi tokens and passphrase, a Datadog key;
- platform.yaml: a secret there is refused before any layer runs, and the refusal must not echo it.
No layer reads a secret Pulumi config value (the Snowflake external ID is plain config on purpose: AWS does
not treat an external ID as a secret, and it must stand in the role's trust policy).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from platformctl.config.sample import sample_text
from platformctl.engines.embedded import recorder
from platformctl.plan.model import SECRET_MARKER
from tests.cli.runner import Result, run

SECRET_VERSION = "aws:secretsmanager/getSecretVersion:getSecretVersion"
SECRETS_MANAGER_CANARY = "canary-secretsmanager-0c1f5e9a"
ENV_CANARIES = {
    "AWS_ACCESS_KEY_ID": "AKIACANARYENV7Q2W4E6R",
    "AWS_SECRET_ACCESS_KEY": "canary-aws-secret-access-key-5b7d9f1h",
    "AWS_SESSION_TOKEN": "canary-aws-session-token-2c4e6g8i",
    "PULUMI_ACCESS_TOKEN": "pul-canary-pulumi-access-token-3d5f7h9j",
    "PULUMI_CONFIG_PASSPHRASE": "canary-pulumi-passphrase-4e6g8i0k",
    "DD_API_KEY": "canary-datadog-api-key-6g8i0k2m",
}
CANARIES = {SECRETS_MANAGER_CANARY: "Secrets Manager value", **{value: f"${name}" for name, value in ENV_CANARIES.items()}}
OIDC = '[{name: corp, type: OIDC, issuer: "https://login.corp.example.com", client_id: platform-client}]'


def platform_yaml(providers: str) -> str:
    """The sample platform with identity.providers replaced (a YAML flow list)."""
    text, count = re.subn(r"^(  providers: )\[\]", lambda m: m.group(1) + providers, sample_text(), count=1, flags=re.M)
    assert count == 1, "the sample's identity.providers line moved: update this test"
    return text


@pytest.fixture
def secrets_manager_answers_canaries(monkeypatch) -> list[Any]:
    """Make the mocked AWS answer every Secrets Manager read with the canary; returns the reads seen."""
    reads: list[Any] = []
    original = recorder.PlanMocks.call

    def call(self, args):
        if args.token == SECRET_VERSION:
            reads.append(args.args.get("secretId"))
            return {"id": SECRETS_MANAGER_CANARY, "arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
                    "secretString": SECRETS_MANAGER_CANARY, "secretBinary": SECRETS_MANAGER_CANARY}, []
        return original(self, args)

    monkeypatch.setattr(recorder.PlanMocks, "call", call)
    return reads


@pytest.fixture
def canary_environment(monkeypatch) -> None:
    for name, value in ENV_CANARIES.items():
        monkeypatch.setenv(name, value)


def leaks(text: str) -> list[str]:
    return sorted(source for canary, source in CANARIES.items() if canary in text)


def oidc_provider_details(document: dict) -> Any:
    (identity,) = [layer for layer in document["layers"] if layer["name"] == "identity"]
    (provider,) = [r for r in identity["resources"] if r["type"] == "aws:cognito/identityProvider:IdentityProvider"]
    return provider["inputs"]["providerDetails"]


def plan_with_sso(capsys, folder: Path, *args: str) -> Result:
    (folder / "platform.yaml").write_text(platform_yaml(OIDC))
    return run(capsys, "plan", *args, "--json", "--out", "plan.json")


def test_no_canary_in_the_full_prod_plan_nor_its_file(capsys, tmp_path, monkeypatch, secrets_manager_answers_canaries, canary_environment) -> None:
    monkeypatch.chdir(tmp_path)
    result = plan_with_sso(capsys, tmp_path, "--env", "prod")
    assert result.code == 0, result.stderr
    assert secrets_manager_answers_canaries == ["acme/prod/identity/corp/client-secret"], (
        f"the identity layer must read the OIDC client secret once, by its conventional name; reads: {secrets_manager_answers_canaries}"
    )
    written = (tmp_path / "plan.json").read_text()
    document = json.loads(result.stdout)
    assert len(document["layers"]) == 9, f"the full plan has every layer, got {[layer['name'] for layer in document['layers']]}"
    for where, text in (("plan --json (stdout)", result.stdout), ("plan --out plan.json", written), ("stderr", result.stderr)):
        assert not leaks(text), f"{where}: secret canaries leaked from {leaks(text)}"
    assert written == result.stdout, "plan --out must write the same document --json prints"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan-")] == [], "plan --out left a temporary file behind"
    for where, doc in (("stdout", document), ("plan.json", json.loads(written))):
        assert oidc_provider_details(doc) == SECRET_MARKER, f"{where}: the OIDC provider's details hold its client secret, so they must read {SECRET_MARKER}"


def test_a_secret_in_platform_yaml_is_refused_without_being_echoed(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    canary = "canary-platform-yaml-secret-8i0k2m4o"
    providers = OIDC.replace("client_id: platform-client", f"client_id: platform-client, client_secret: {canary}")
    (tmp_path / "platform.yaml").write_text(platform_yaml(providers))
    result = run(capsys, "plan", "--env", "prod", "--json", "--out", "plan.json")
    assert result.code == 2, f"a secret in platform.yaml must be refused (exit 2), got {result.code}: {result.stderr}"
    assert "client_secret" in result.stderr, f"the refusal must name the key: {result.stderr}"
    assert canary not in result.stdout + result.stderr, "the refusal must not print the secret it refuses"
    assert not (tmp_path / "plan.json").exists(), "nothing is written for a refused platform.yaml"


def test_the_canary_search_finds_a_secret_when_redaction_is_off(capsys, tmp_path, monkeypatch, secrets_manager_answers_canaries) -> None:
    # The control for the test above: with the recorder's redaction switched off, the same canary is found,
    # so a pass there means redaction worked, not that the canary never reached the plan.
    monkeypatch.setattr(recorder, "redact", lambda value: value)
    monkeypatch.chdir(tmp_path)
    result = plan_with_sso(capsys, tmp_path, "--env", "prod", "--layer", "identity")
    assert result.code == 0, result.stderr
    assert leaks(result.stdout) == ["Secrets Manager value"], "without redaction the Secrets Manager canary must show in the plan"
    assert leaks((tmp_path / "plan.json").read_text()) == ["Secrets Manager value"], "and in the plan file"
