"""A stand-in `pulumi` executable for tests: answers what pulumi.automation's LocalWorkspace and Stack invoke.

Test scaffolding only (this machine has no Pulumi CLI). It keeps each stack's state as JSON in the
file:// backend named by PULUMI_BACKEND_URL, and plays the operations a test scenario describes
(PULUMI_STANDIN_SCENARIO: a JSON file, {project: {operation: {...}}}). Every invocation is appended to
PULUMI_STANDIN_LOG as {"argv", "cwd", "env"} so tests can check what the SDK ran, and where.

Where each shape comes from (pulumi 3.272, read in the installed SDK):
- `version`: PulumiCommand.__init__ (_cmd.py) parses stdout, an optional leading "v"; we answer
  PULUMI_STANDIN_VERSION or 3.230.0. Above 3.205.0 Stack._setup_event_log passes `--event-log
  tcp://127.0.0.1:PORT` and serves pulumirpc.Events/StreamEvents (events_pb2_grpc), one EventRequest
  {event: JSON} per engine event; at or below it passes a file path that _watch_logs tails, one JSON per line.
- engine events: EngineEvent.from_json and the per-kind from_json in automation/events.py:
  {"sequence", "timestamp", "<kind>": {...}} with kinds preludeEvent {"config"}, resourcePreEvent and
  resOutputsEvent {"metadata": {"op", "urn", "type", "provider", "new": {"type", "urn", "inputs",
  "outputs", "parent", "provider", "custom", "protect"}}, "planning"}, resOpFailedEvent {"metadata",
  "status", "steps"}, diagnosticEvent {"message", "color", "severity", "urn"}, summaryEvent
  {"maybeCorrupt", "durationSeconds", "resourceChanges", "PolicyPacks"}, and cancelEvent {} (sent on
  success too).
- errors: errors.create_command_error matches stderr: "no stack named 'X' found" (StackNotFoundError),
  "the stack is currently locked by" with one "<path>.json: created by user@host (pid N) at T" line per
  lock file (ConcurrentUpdateError; the DIY backend's text, pkg/backend/diy/lock.go); failed updates
  exit 255 with "error: …" lines, as the CLI does.
- `stack history --json` (Stack.history): [{"kind", "startTime", "message", "environment", "config",
  "result", "endTime", "version", "resourceChanges"}] with times in "%Y-%m-%dT%H:%M:%S.%fZ".
- `stack output --json [--show-secrets]` (LocalWorkspace.stack_outputs): secrets as "[secret]" unless shown.
- `stack export` (LocalWorkspace.export_stack): {"version": 3, "deployment": {"resources", "pending_operations"}}.
- lock files: `.pulumi/locks/organization/<project>/<stack>/<id>.json` {"pid", "username", "hostname",
  "timestamp"}; `cancel` deletes them, as `pulumi cancel` does on the DIY backends.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--non-interactive"]
    log = os.environ.get("PULUMI_STANDIN_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            env = {k: v for k, v in os.environ.items() if k.startswith(("PULUMI_", "PLATFORMCTL_"))}
            handle.write(json.dumps({"argv": args, "cwd": os.getcwd(), "env": env}) + "\n")
    if args[:1] == ["version"]:
        print("v" + os.environ.get("PULUMI_STANDIN_VERSION", "3.230.0"))
        return 0
    if args[:1] == ["whoami"]:
        print("standin")
        return 0
    stack = _flag(args, "--stack")
    project = _project()
    if args[:2] == ["stack", "init"]:
        path = _state_path(project, args[2])
        if path.exists():
            return _fail(f"error: stack '{args[2]}' already exists")
        _save(path, {"config": {}, "outputs": {}, "secret_outputs": [], "resources": [], "history": [],
                     "secrets_provider": _flag(args, "--secrets-provider"), "pending_operations": []})
        return 0
    if stack is None:
        return _fail("error: no stack selected")
    path = _state_path(project, stack)
    if not path.exists():
        return _fail(f"error: no stack named '{stack}' found")
    state = json.loads(path.read_text())
    if args[:2] == ["stack", "select"]:
        return 0
    if args[:2] == ["config", "set-all"]:
        pairs = [args[i + 1] for i, a in enumerate(args) if a in ("--plaintext", "--secret")]
        state["config"].update(dict(pair.split("=", 1) for pair in pairs))
        Path(f"Pulumi.{stack}.yaml").write_text(json.dumps({"config": state["config"]}))  # as the CLI writes into the work dir
        _save(path, state)
        return 0
    if args[:2] == ["stack", "output"]:
        show = "--show-secrets" in args
        print(json.dumps({k: (v if show or k not in state["secret_outputs"] else "[secret]") for k, v in state["outputs"].items()}))
        return 0
    if args[:2] == ["stack", "history"]:
        print(json.dumps(list(reversed(state["history"]))[:1] if "--page-size" in args else list(reversed(state["history"]))))
        return 0
    if args[:2] == ["stack", "export"]:
        print(json.dumps({"version": 3, "deployment": {"resources": state["resources"], "pending_operations": state["pending_operations"]}}))
        return 0
    if args[:2] == ["stack", "import"]:
        imported = json.loads(Path(_flag(args, "--file") or "").read_text())
        state["resources"] = imported["deployment"]["resources"]
        _save(path, state)
        return 0
    if args[:1] == ["cancel"]:
        for lock in _lock_dir(project, stack).glob("*.json"):
            lock.unlink()
        return 0
    if args[0] in ("preview", "up", "destroy", "refresh"):
        return _operate(args, project, stack, path, state)
    return _fail(f"error: the stand-in does not know `pulumi {' '.join(args)}`")


def _operate(args: list[str], project: str, stack: str, path: Path, state: dict[str, Any]) -> int:
    op = "drift" if args[0] == "refresh" and "--preview-only" in args else args[0]
    locks = sorted(_lock_dir(project, stack).glob("*.json"))
    if locks and op != "drift":
        lines = []
        for lock in locks:
            held = json.loads(lock.read_text())
            lines.append(f"  {lock}: created by {held['username']}@{held['hostname']} (pid {held['pid']}) at {held['timestamp']}")
        return _fail(f"error: the stack is currently locked by {len(locks)} lock(s). Either wait for the other process(es) to end "
                     "or delete the lock file with `pulumi cancel`.\n" + "\n".join(lines))
    scenario = _scenario().get(project, {}).get(op, {})
    delay = float(scenario.get("delay", 0))
    events: list[dict[str, Any]] = [{"preludeEvent": {"config": state["config"]}}]
    changes: dict[str, int] = {}
    errors: list[str] = []
    planning = op == "preview"
    stack_urn = f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}"
    stack_new = {"type": "pulumi:pulumi:Stack", "urn": stack_urn, "inputs": {}, "outputs": scenario.get("outputs", {}), "custom": False}
    events.append({"resourcePreEvent": {"metadata": {"op": "same", "urn": stack_urn, "type": "pulumi:pulumi:Stack", "provider": "",
                                                     "new": stack_new}, "planning": planning}})
    resources = scenario.get("resources", [])
    if op == "destroy":
        excluded = "--exclude-protected" in args
        resources = [{"type": r["type"], "name": r["urn"].rsplit("::", 1)[-1], "op": "delete"} for r in state["resources"]
                     if not (excluded and r.get("protect"))]
    for resource in resources:
        urn = f"urn:pulumi:{stack}::{project}::{resource['type']}::{resource['name']}"
        step_op = resource.get("op", "create")
        new = {"type": resource["type"], "urn": urn, "inputs": resource.get("inputs", {}), "outputs": {}, "parent": stack_urn,
               "provider": "", "custom": True, "protect": bool(resource.get("protect"))}
        metadata = {"op": step_op, "urn": urn, "type": resource["type"], "provider": "", "new": None if step_op == "delete" else new}
        events.append({"resourcePreEvent": {"metadata": metadata, "planning": planning}})
        if resource.get("fail"):
            events.append({"diagnosticEvent": {"message": f"<{{%reset%}}>{resource['fail']}<{{%reset%}}>\n", "color": "never",
                                               "severity": "error", "urn": urn}})
            events.append({"resOpFailedEvent": {"metadata": metadata, "status": 1, "steps": 0}})
            errors.append(resource["fail"])
            continue
        if resource.get("warning"):
            events.append({"diagnosticEvent": {"message": resource["warning"], "color": "never", "severity": "warning", "urn": urn}})
        events.append({"resOutputsEvent": {"metadata": metadata, "planning": planning}})
        changes[step_op] = changes.get(step_op, 0) + 1
        if op == "up" and step_op != "delete":
            state["resources"] = [r for r in state["resources"] if r["urn"] != urn] + [{"urn": urn, "type": resource["type"],
                                                                                      "protect": bool(resource.get("protect"))}]
        if op == "destroy":
            state["resources"] = [r for r in state["resources"] if r["urn"] != urn]
    changes["same"] = changes.get("same", 0) + 1
    if errors:
        events.append({"diagnosticEvent": {"message": "update failed", "color": "never", "severity": "error"}})
    events.append({"summaryEvent": {"maybeCorrupt": False, "durationSeconds": 1, "resourceChanges": changes, "PolicyPacks": {}}})
    events.append({"cancelEvent": {}})
    _send(_flag(args, "--event-log"), events, scenario.get("raw_events", []), delay)
    if op in ("up", "destroy", "refresh"):
        result = "failed" if errors else "succeeded"
        now = datetime.datetime.now(datetime.UTC).strftime(FORMAT)
        state["history"].append({"kind": "update" if op == "up" else op, "startTime": now, "endTime": now, "message": "", "environment": {},
                                 "config": {}, "result": result, "version": len(state["history"]) + 1, "resourceChanges": changes})
        if op == "up" and not errors:
            state["outputs"] = scenario.get("outputs", {})
            state["secret_outputs"] = scenario.get("secret_outputs", [])
        if op == "refresh":
            state["pending_operations"] = []
        _save(path, state)
    if errors:
        print("Updating (" + stack + "):\n" + "\n".join(f"    error: {e}" for e in errors))
        return _fail("error: update failed" if op != "preview" else "error: preview failed")
    return int(scenario.get("exit", 0))


def _send(target: str | None, events: list[dict[str, Any]], raw: list[str], delay: float) -> None:
    if target is None:
        return
    lines = [json.dumps({"sequence": i, "timestamp": int(time.time()), **event}) for i, event in enumerate(events)]
    lines[1:1] = raw  # unreadable events, as a newer engine might send
    if target.startswith("tcp://"):
        import grpc
        from pulumi.runtime.proto import events_pb2, events_pb2_grpc

        def requests() -> Any:
            for line in lines:
                if delay:
                    time.sleep(delay)
                yield events_pb2.EventRequest(event=line)

        with grpc.insecure_channel(target.removeprefix("tcp://")) as channel:
            events_pb2_grpc.EventsStub(channel).StreamEvents(requests(), timeout=30)
    else:
        with open(target, "a", encoding="utf-8") as handle:
            for line in lines:
                handle.write(line + "\n")
                handle.flush()


def _flag(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None


def _project() -> str:
    text = Path("Pulumi.yaml").read_text() if Path("Pulumi.yaml").exists() else ""
    for line in text.splitlines():
        if line.startswith("name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _backend() -> Path:
    return Path(urlparse(os.environ["PULUMI_BACKEND_URL"]).path)


def _state_path(project: str, stack: str) -> Path:
    return _backend() / ".standin" / project / f"{stack}.json"


def _lock_dir(project: str, stack: str) -> Path:
    return _backend() / ".pulumi" / "locks" / "organization" / project / stack


def _scenario() -> dict[str, Any]:
    path = os.environ.get("PULUMI_STANDIN_SCENARIO")
    return json.loads(Path(path).read_text()) if path and Path(path).exists() else {}


def _save(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state))


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 255


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
