"""A mock resource monitor that records every resource a stack program registers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import mocks, rpc

from platformctl.engines.embedded.placeholders import computed_outputs, unknown
from platformctl.engines.embedded.sdk_internals import is_serialised_secret
from platformctl.plan.model import SECRET_MARKER

STACK_REFERENCE = "pulumi:pulumi:StackReference"


@dataclass
class Recorded:
    """A resource as the program registered it, before regions are resolved."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    dependencies: list[str]
    protect: bool
    inputs: dict[str, Any]


def redact(value: Any) -> Any:
    """Replace secret values (wrapped by the SDK's serialisation) with a marker, recursively."""
    if isinstance(value, dict):
        if is_serialised_secret(value):
            return SECRET_MARKER
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if value == rpc.UNKNOWN or isinstance(value, Unknown):  # serialised, or as an output's value
        return unknown("unknown during plan")
    return value


class PlanMocks(mocks.Mocks):
    """Answers resource registrations and invokes with inputs plus unknown markers."""

    def __init__(self, *, region: str, stack_outputs: dict[str, dict[str, Any]], stack_secrets: dict[str, frozenset[str]] | None = None):
        self.region = region
        self.stack_outputs = stack_outputs  # "org/project/stack" -> recorded outputs
        self.stack_secrets = stack_secrets or {}  # "org/project/stack" -> names of its secret outputs

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == STACK_REFERENCE:
            ref = args.inputs.get("name", "")
            if ref not in self.stack_outputs:
                known = ", ".join(sorted(self.stack_outputs)) or "none"
                raise KeyError(f"StackReference {ref!r} has no planned stack (planned: {known}); plan its layer first")
            # The SDK marks an output read through the reference secret when its name is listed here.
            secret_names = sorted(self.stack_secrets.get(ref, frozenset()))
            return ref, {"name": ref, "outputs": self.stack_outputs[ref], "secretOutputNames": secret_names}
        state = computed_outputs(args.typ, args.name, args.inputs)
        return unknown(f"{args.name}.id"), state

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        token = args.token
        region = args.args.get("region") or self.region
        if token == "aws:index/getRegion:getRegion":
            return {"name": region, "region": region, "id": region}, []
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, []
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{region}{suffix}" for suffix in "abc"]
            return {"names": names, "zoneIds": [unknown(f"zone id of {n}") for n in names], "id": region}, []
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": unknown("account id"), "arn": unknown("caller arn"), "userId": unknown("caller user id"), "id": unknown("account id")}, []
        # Anything else is a lookup only the cloud can answer.
        return {"id": unknown(token)}, []


class RecordingMonitor(mocks.MockMonitor):
    """Records each RegisterResource request, then lets the SDK's mock monitor answer it."""

    def __init__(self, mocks_: PlanMocks):
        super().__init__(mocks_)
        self.recorded: list[Recorded] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]  # the SDK leaves MockMonitor unannotated
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
            # A provider reference is "<urn>::<id>", and URNs contain "::" themselves.
            provider = request.provider.rsplit("::", 1)[0] if request.provider else None
            self.recorded.append(
                Recorded(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    custom=bool(request.custom),
                    parent=request.parent or None,
                    provider=provider or None,
                    dependencies=sorted(set(request.dependencies)),
                    protect=bool(request.protect),
                    inputs=redact(_plain(inputs)),
                )
            )
        return response


    def ReadResource(self, request: Any) -> Any:
        # Reads are lookups of what exists (StackReferences among them): recorded, never created.
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]  # the SDK leaves MockMonitor unannotated
        provider = request.provider.rsplit("::", 1)[0] if request.provider else None
        inputs = rpc.deserialize_properties(request.properties, keep_unknowns=True)
        self.recorded.append(
            Recorded(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=False,
                parent=request.parent or None,
                provider=provider or None,
                dependencies=sorted(set(request.dependencies)),
                protect=False,
                inputs={"name": inputs.get("name")} if request.type == STACK_REFERENCE else redact(_plain(inputs)),
            )
        )
        return response


# Beyond 2**53 a double no longer holds every integer: such a number was never an exact integer on the wire.
_EXACT_INTEGER_LIMIT = 2**53


def _plain(value: Any) -> Any:
    """Turn SDK containers into plain dicts and lists so the plan can be serialised.

    Resource inputs reach the monitor as a protobuf Struct, whose only number type is a double: the
    program's `retention_in_days=90` arrives as 90.0. A whole number within a double's exact range is
    given back as the integer it was, so the plan says 90; a fractional number stays a float.
    """
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) <= _EXACT_INTEGER_LIMIT:
        return int(value)
    return value
