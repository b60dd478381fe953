"""`platformctl deploy`: render, lock, migrate, apply in order, wait like kstatus, verify, prune, or roll back.

The core never prints: progress leaves as DeployEvents, the result is a DeployReport whose outcome
decides the exit code. Every dependency with a side effect (the cluster, the clock, the registry,
the metrics check) comes in as a keyword argument.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from platformctl.config import service_names as names
from platformctl.core.deploy_report import DeployEvent, DeployReport, Step
from platformctl.core.rendering import DigestResolver, RenderRequest, prepare
from platformctl.errors import UsageError
from platformctl.kubernetes.api import Forbidden, KubeApi
from platformctl.kubernetes.apply import apply_all, diff_all, preflight
from platformctl.kubernetes.connection import ClusterRef
from platformctl.kubernetes.history import History, Revision
from platformctl.kubernetes.inventory import Stale, find_stale, group_kinds, with_group_kinds
from platformctl.kubernetes.lease import DeployLock
from platformctl.kubernetes.migration import delete_previous_jobs, run_migration
from platformctl.kubernetes.rollout import RolloutResult, Target, wait_for_rollout
from platformctl.rendering.deploy_context import DeployContext
from platformctl.rendering.manifests import Manifest, RenderedService, render_service
from platformctl.system import Clock

LOCK_TTL_SECONDS = 120
SECRET_WAIT_SECONDS = 120.0


class Verifier(Protocol):
    """Checks the new version's metrics after the rollout (Datadog in production); fails closed."""

    def __call__(self, *, service: str, env: str, version: str, minutes: int) -> tuple[bool, str, dict[str, Any]]: ...


@dataclass(frozen=True)
class DeployRequest:
    directory: Path
    env: str
    image: str
    outputs_file: Path | None
    platform_file: Path | None = None
    timeout_seconds: float = 600
    rollback_timeout_seconds: float = 300
    diff: bool = False
    wait: bool = True
    prune: bool = False
    force_conflicts: bool = False
    git_sha: str = ""
    who: str = "unknown"
    verify_minutes: int | None = None  # --verify datadog[:MINUTES]


def _now_iso(clock: Clock) -> str:
    return datetime.fromtimestamp(clock.now(), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


class _Run:
    """One deploy's state: the report it fills and the helpers every step shares."""

    def __init__(self, report: DeployReport, clock: Clock, on_event: Callable[[DeployEvent], None]) -> None:
        self.report, self.clock, self.emit = report, clock, on_event

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        self.emit(DeployEvent("step", name))
        started = self.clock.now()
        step = Step(name, started, 0.0, True)
        try:
            yield step
        except BaseException as exc:
            step.ok = False
            step.detail = step.detail or getattr(exc, "message", str(exc))
            raise
        finally:
            step.seconds = round(self.clock.now() - started, 3)
            self.report.steps.append(step)


def _bodies(manifests: list[Manifest]) -> list[dict[str, Any]]:
    return [m.body for m in manifests]


def _targets(rendered: RenderedService) -> list[Target]:
    targets = []
    for m in rendered.in_phase("workload"):
        if m.kind == "Deployment":
            labels = m.body["spec"]["template"]["metadata"]["labels"]
            wanted = ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/version")
            targets.append(Target(m.name, ",".join(f"{k}={labels[k]}" for k in wanted)))
    return targets


def _wait_secret(api: KubeApi, clock: Clock, namespace: str, name: str, tick: Callable[[], None], warn: Callable[[str], None]) -> str | None:
    """Wait for External Secrets to create the Secret; return a digest of its data (never the data).

    None when this identity may not read Secrets: the deploy goes on, but a rotated secret then
    rolls the pods only with the next image, and the report says so.
    """
    deadline = clock.now() + SECRET_WAIT_SECONDS
    while True:
        tick()
        try:
            secret = api.get("v1", "Secret", name, namespace)
        except Forbidden:
            warn(f"cannot read Secret {namespace}/{name} (RBAC): a secret rotation will not roll the pods until the next image; grant `get` on secrets")
            return None
        if secret is not None:
            data = secret.get("data") or {}
            return hashlib.sha256("\n".join(f"{k}={data[k]}" for k in sorted(data)).encode()).hexdigest()[:16]
        if clock.now() >= deadline:
            raise UsageError(
                f"Secret {namespace}/{name} did not appear within {SECRET_WAIT_SECONDS:.0f} s: External Secrets has not synced it.",
                hint=f"`kubectl -n {namespace} describe externalsecret {name}` says why (a missing Secrets Manager key is the usual cause).",
            )
        clock.sleep(2)


class Connector(Protocol):
    """Builds the API client of an environment's cluster (EKS through AWS, or a kubeconfig context)."""

    def __call__(self, ref: ClusterRef, /) -> KubeApi: ...


def _stale(api: KubeApi, ctx: DeployContext, rendered: RenderedService, kinds: set[str]) -> list[Stale]:
    """Objects of the service's ApplySet that the render lacks; earlier migration Jobs are not among them
    (the next deploy deletes those before its own Job, and a failed one stays until then for inspection)."""
    keep = {(m.kind, m.name) for m in rendered.manifests}
    stale = find_stale(api, namespace=ctx.namespace, applyset_id=ctx.applyset_id, kinds=kinds, keep=keep)
    return [s for s in stale if not (s.kind == "Job" and s.name.startswith(f"{ctx.service}-migrate-"))]


def deploy(
    request: DeployRequest,
    *,
    connect: Connector,
    clock: Clock,
    resolve_digest: DigestResolver,
    on_event: Callable[[DeployEvent], None] = lambda event: None,
    verifier: Verifier | None = None,
) -> DeployReport:
    """Ship one image of a service to one environment and see it healthy, or get the previous revision back.

    Returns:
        DeployReport; its outcome is deployed, applied (--no-wait), diff, rolled-back, rollback-failed or failed.

    Raises:
        UsageError: bad input, a field conflict (ApplyConflict) or a deploy in progress (LockHeld): nothing applied.
        MissingToolError: a credential is missing.
    """
    base = prepare(
        RenderRequest(
            directory=request.directory, env=request.env, outputs_file=request.outputs_file, image=request.image, platform_file=request.platform_file
        ),
        resolve_digest=resolve_digest,
    )
    ctx = base.context
    api = connect(ClusterRef(request.env, base.cluster_name, base.region))
    report = DeployReport(service=ctx.service, env=request.env, namespace=ctx.namespace, image=base.image.pinned, digest=base.image.digest or "")
    run = _Run(report, clock, on_event)
    history = History(
        api, ctx.namespace, names.history_name(ctx.service), {"app.kubernetes.io/name": ctx.service, "app.kubernetes.io/managed-by": "platformctl"}
    )

    if request.diff:
        with run.step("diff (server-side dry run)"):
            past = history.revisions()
            rendered = render_service(ctx.model_copy(update={"revision": (past[-1].revision if past else 0) + 1}))
            changes = diff_all(api, [rendered.parent.body, *_bodies(list(rendered.manifests))], force=request.force_conflicts)
            live_parent = api.get("v1", "ConfigMap", ctx.applyset_parent, ctx.namespace)
            stale = _stale(api, ctx, rendered, group_kinds(live_parent))
        report.diff = [{"kind": d.kind, "name": d.name, "action": d.action, "fields": list(d.fields)} for d in changes]
        report.diff += [{"kind": s.kind, "name": s.name, "action": "prune", "fields": []} for s in stale]
        report.outcome, report.message = "diff", f"{sum(d.action != 'unchanged' for d in changes) + len(stale)} object(s) would change."
        return report

    # The holder names the person or CI run, plus a nonce: two deploys by the same person are still two holders.
    holder = f"{request.who} #{secrets.token_hex(3)}"
    lock = DeployLock(api, clock, ctx.namespace, names.lease_name(ctx.service), holder, LOCK_TTL_SECONDS)
    with run.step("lock"):
        lock.acquire()
    if lock.took_over_from:
        report.warnings.append(f"took over an expired deploy lock from {lock.took_over_from}")
        on_event(DeployEvent("warning", f"The previous deploy ({lock.took_over_from}) left an expired lock; taking over."))
    try:
        return _locked_deploy(request, ctx, history, lock, run, api=api, clock=clock, verifier=verifier)
    finally:
        lock.release()


def _locked_deploy(
    request: DeployRequest, ctx: DeployContext, history: History, lock: DeployLock, run: _Run, *, api: KubeApi, clock: Clock, verifier: Verifier | None
) -> DeployReport:
    report, emit, tick = run.report, run.emit, lock.renew_if_due
    past = history.revisions()
    revision = (past[-1].revision if past else 0) + 1
    previous = next((r for r in reversed(past) if r.healthy), None)
    report.revision = revision
    rendered = render_service(ctx.model_copy(update={"revision": revision}))

    def record(result: str, text: str | None, note: str = "") -> None:
        stream = rendered.stream()
        history.record(Revision(revision, report.image, report.digest, request.git_sha, request.who, _now_iso(clock), result, _hash(stream), note), text)

    live_parent = api.get("v1", "ConfigMap", ctx.applyset_parent, ctx.namespace)
    old_kinds = group_kinds(live_parent)
    new_kinds = group_kinds(rendered.parent.body)
    with run.step("check (server-side dry run)"):
        others = [m for m in rendered.manifests if m.phase != "migration"]  # the Job is new each revision: nothing to conflict with
        preflight(api, [rendered.parent.body, *_bodies(others)], force=request.force_conflicts)
    with run.step("apply basics"):
        # The parent lists old and new kinds before anything is applied, so an interrupted deploy never hides objects from a later prune.
        apply_all(api, [with_group_kinds(rendered.parent.body, old_kinds | new_kinds)], force=True)
        apply_all(api, _bodies(rendered.in_phase("basics")), force=request.force_conflicts)
    with run.step("wait for secrets"):
        secret_digest = _wait_secret(api, clock, ctx.namespace, f"{ctx.service}-secrets", tick, report.warnings.append)
    if secret_digest is not None:
        rendered = render_service(ctx.model_copy(update={"revision": revision, "secret_hash": secret_digest}))

    with run.step("migrate") as step:
        selector = f"app.kubernetes.io/instance={ctx.selector['app.kubernetes.io/instance']},app.kubernetes.io/component=migration"
        job = rendered.in_phase("migration")[0]
        deleted = delete_previous_jobs(api, ctx.namespace, selector, keep=job.name)
        if deleted:
            emit(DeployEvent("progress", f"deleted the previous migration job(s): {', '.join(deleted)}"))
        migration = run_migration(api, clock, job=job.body, on_log=lambda line: emit(DeployEvent("log", line)), on_tick=tick)
        report.migration_log = migration.log
        step.ok, step.detail = migration.succeeded, migration.message
    if not migration.succeeded:
        record("migration-failed", rendered.stream(), migration.message)
        report.outcome = "failed"
        report.message = (
            f"The migration failed, so {ctx.service} was not rolled out; the running version is unchanged. The Job is kept for inspection: {migration.message}"
        )
        return report

    with run.step("apply workload and route"):
        apply_all(api, _bodies(rendered.in_phase("workload") + rendered.in_phase("route")), force=request.force_conflicts)
    if not request.wait:
        record("applied", rendered.stream(), "not waited for (--no-wait)")
        report.outcome, report.message = "applied", f"Applied revision {revision}; not waiting for the rollout (--no-wait)."
        return report

    with run.step("wait for rollout") as step:
        result = wait_for_rollout(
            api,
            clock,
            namespace=ctx.namespace,
            targets=_targets(rendered),
            timeout_seconds=request.timeout_seconds,
            on_progress=lambda m: emit(DeployEvent("progress", m)),
            on_tick=tick,
        )
        step.ok, step.detail = result.healthy, result.message
    if result.healthy and request.verify_minutes is not None:
        result = _verify(request, ctx.service, ctx.version, run, verifier)
    if not result.healthy:
        report.evidence = result.evidence
        record("failed", rendered.stream(), result.message)
        return _roll_back(request, ctx, history, previous, run, api=api, clock=clock, failure=result, tick=tick)

    with run.step("prune") as step:
        stale = _stale(api, ctx, rendered, old_kinds | new_kinds)
        allowed = not ctx.production or request.prune
        for s in stale:
            if allowed:
                api.delete(s.api_version, s.kind, s.name, ctx.namespace)
                report.pruned.append(f"{s.kind}/{s.name}")
            else:
                report.prune_pending.append(f"{s.kind}/{s.name}")
        if allowed:
            apply_all(api, [rendered.parent.body], force=True)
        step.detail = f"{len(report.pruned)} deleted, {len(report.prune_pending)} left (prod needs --prune)"
    record("deployed", rendered.stream())
    report.outcome, report.message = "deployed", f"{ctx.service} revision {revision} is healthy in {request.env}."
    return report


def _verify(request: DeployRequest, service: str, version: str, run: _Run, verifier: Verifier | None) -> RolloutResult:
    minutes = request.verify_minutes or 0
    with run.step(f"verify with Datadog ({minutes} min)") as step:
        if verifier is None:
            ok, message, details = False, "no verifier is configured, and verification fails closed", dict[str, Any]()
        else:
            ok, message, details = verifier(service=service, env=request.env, version=version, minutes=minutes)
        run.report.verification = {"ok": ok, "message": message, **details}
        step.ok, step.detail = ok, message
    return RolloutResult(ok, "Verified" if ok else "VerificationFailed", message)


def _roll_back(
    request: DeployRequest,
    ctx: DeployContext,
    history: History,
    previous: Revision | None,
    run: _Run,
    *,
    api: KubeApi,
    clock: Clock,
    failure: RolloutResult,
    tick: Callable[[], None],
) -> DeployReport:
    report = run.report
    if previous is None:
        report.outcome = "failed"
        report.message = f"{failure.message}. There is no earlier healthy revision to roll back to (first deploy of {ctx.service} in {request.env})."
        return report
    from platformctl.core.rollback import reapply

    outcome = reapply(
        history,
        previous,
        run,
        api=api,
        clock=clock,
        timeout_seconds=request.rollback_timeout_seconds,
        who=request.who,
        tick=tick,
        note=f"automatic, after revision {report.revision} failed: {failure.reason}",
    )
    report.rolled_back_to = previous.revision
    if outcome.healthy:
        report.outcome = "rolled-back"
        report.message = f"Revision {report.revision} failed ({failure.message}); rolled back to revision {previous.revision}, which is healthy."
    else:
        report.outcome = "rollback-failed"
        report.message = (
            f"Revision {report.revision} failed ({failure.message}), AND the rollback to revision {previous.revision} failed too ({outcome.message}). "
            f"The service may be down: look at it now (`kubectl -n {ctx.namespace} get pods`)."
        )
    return report
