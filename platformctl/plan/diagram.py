"""The architecture diagram of a plan: Graphviz DOT from the grouped architecture, rendered to SVG or PNG by `dot`."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from platformctl.errors import MissingToolError, PlatformctlError, UsageError
from platformctl.plan.architecture import Architecture, Box, Group
from platformctl.plan.architecture_build import build_architecture
from platformctl.plan.model import Plan

FORMATS = {".svg": "svg", ".png": "png"}
INSTALL_HINT = "Install graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`); `platformctl doctor` checks it."
# AWS architecture-icon category colours: stroke, fill
COLOURS = {
    "compute": ("#ED7100", "#FDF0E5"), "database": ("#C925D1", "#F9E9FA"), "network": ("#8C4FFF", "#F1EAFF"),
    "storage": ("#7AA116", "#F0F6E4"), "integration": ("#E7157B", "#FCE7F1"), "security": ("#DD344C", "#FBE9EC"),
    "management": ("#E7157B", "#FDF2F7"), "edge": ("#8C4FFF", "#F1EAFF"), "people": ("#232F3E", "#FFFFFF"),
}
FRAMES = {  # style, stroke, fill, label colour
    "global": ("rounded,dashed", "#5A6B86", "#FFFFFF", "#232F3E"),
    "region": ("rounded,dashed", "#147EBA", "#FFFFFF", "#147EBA"),
    "vpc": ("rounded", "#8C4FFF", "#FBF9FF", "#8C4FFF"),
    "tier": ("rounded,filled", "#B8C4D6", "#F3F6FA", "#3B4A60"),
    "services": ("rounded,filled", "#D5DBE4", "#FAFBFC", "#3B4A60"),
}
FONT = "Helvetica"
DR_COLOUR = "#D13212"


def to_dot(arch: Architecture, *, dr_first: bool = False, anchored: bool = False) -> str:
    """The architecture as a Graphviz digraph: frames as clusters, boxes as HTML-labelled nodes, DR links red and dashed.

    Which region graphviz draws on the left depends, in a way that varies with the graph, on the order the frames
    are written in (dr_first) and on invisible edges from the users' box to each region's top (anchored);
    render_diagram tries these until the primary is on the left (see _primary_on_the_left).
    """
    lines = [
        "digraph architecture {",
        f'  graph [rankdir=TB, compound=true, newrank=true, nodesep=0.35, ranksep=0.9, pad=0.4, fontname="{FONT}", fontsize=22, '
        f'labelloc=t, label=<<b>{escape(arch.title)}</b><br/><font point-size="12" color="{DR_COLOUR}">'
        f'red dashed arrows: replication and failover to the DR region</font>>, bgcolor="white"];',
        f'  node [shape=box, style="rounded,filled", fontname="{FONT}", fontsize=11, penwidth=1.6, margin="0.14,0.08"];',
        f'  edge [fontname="{FONT}", fontsize=10, color="#5A6B86", fontcolor="#3B4A60", arrowsize=0.7, penwidth=1.2];',
    ]
    groups = sorted(arch.groups, key=lambda g: g.id.startswith("primary")) if dr_first else arch.groups
    for group in groups:
        lines += _cluster(group, "  ")
    for source, target in _layout_hints(arch):
        lines.append(f"  {source} -> {target} [style=invis, weight=2];")
    if anchored:
        lines += [f"  users -> {top} [style=invis, weight=0];" for top in _region_tops(arch)]
    for link in arch.links:
        attrs = [f'id="link-{link.source}-{link.target}"', f'label="{escape(link.label)}"']
        if not link.ranked:
            attrs.append("constraint=false")
        if link.dr:
            attrs += [f'color="{DR_COLOUR}"', f'fontcolor="{DR_COLOUR}"', 'style="dashed"', "penwidth=2", 'class="dr-replication"']
        lines.append(f"  {link.source} -> {link.target} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _layout_hints(arch: Architecture) -> list[tuple[str, str]]:
    """Invisible edges that stack each region top-down: public tier, private tier, isolated tier, then regional services.

    Graphviz ranks nodes by edges only; without these, boxes with no visible edge (NAT gateways, KMS keys) float
    to the top and tiers end up side by side instead of as bands.
    """
    hints = []
    for region in (g for g in arch.groups if g.style == "region"):
        bands: list[list[Box]] = []
        for inner in region.groups:
            if inner.style == "vpc":
                bands += [tier.boxes for tier in inner.groups if tier.boxes]
        # Regional services in two rows (storage and messaging, then keys and operations) keep the picture from getting too wide.
        services = [inner.boxes for inner in region.groups if inner.style == "services"]
        half = (len(services) + 1) // 2
        bands += [row for row in ([b for g in services[:half] for b in g], [b for g in services[half:] for b in g]) if row]
        # The global edge sits above both regions.
        bands.insert(0, [b for g in arch.groups if g.style == "global" for b in g.boxes][-1:])
        for upper, lower in itertools.pairwise(bands):
            hints += [(a.id, b.id) for a in upper for b in lower]
    return list(dict.fromkeys(hints))


def _region_tops(arch: Architecture) -> list[str]:
    """The first box of each region, primary first."""
    tops = []
    for region in (g for g in arch.groups if g.style == "region"):
        frames = [region, *region.groups, *(t for g in region.groups for t in g.groups)]
        first = next((f.boxes[0].id for f in frames if f.boxes), None)
        if first is not None:
            tops.append(first)
    return tops


def _cluster(group: Group, indent: str) -> list[str]:
    style, stroke, fill, colour = FRAMES[group.style]
    size = 16 if group.style in ("region", "global") else 13 if group.style == "vpc" else 11
    lines = [
        f"{indent}subgraph cluster_{group.id} {{",
        f'{indent}  id="group-{group.id}"; label=<<b>{escape(group.title)}</b>>; labeljust=l; style="{style}"; color="{stroke}"; '
        f'fillcolor="{fill}"; fontcolor="{colour}"; fontsize={size}; penwidth={2 if group.style == "region" else 1.2}; margin=14;',
    ]
    for box in group.boxes:
        lines.append(f"{indent}  {_node(box)}")
    for inner in group.groups:
        lines += _cluster(inner, indent + "  ")
    lines.append(f"{indent}}}")
    return lines


def _node(box: Box) -> str:
    stroke, fill = COLOURS[box.kind]
    details = "".join(f'<br/><font point-size="9" color="#3B4A60">{escape(d)}</font>' for d in box.details)
    label = f'<<font color="{stroke}"><b>{escape(box.title)}</b></font>{details}>'
    return f'{box.id} [id="{box.id}", label={label}, color="{stroke}", fillcolor="{fill}"];'


def require_dot() -> str:
    """The path of graphviz's `dot`.

    Raises:
        MissingToolError: it is not installed.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise MissingToolError("Drawing the diagram needs graphviz's `dot`, which is not on PATH.", hint=INSTALL_HINT)
    return dot


def render_diagram(plan: Plan, path: Path) -> None:
    """Draw the plan's architecture into path (.svg or .png), written atomically.

    Raises:
        UsageError: another extension, or the folder does not exist.
        MissingToolError: graphviz's `dot` is not installed.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"Cannot draw {path}: the diagram is written as .svg or .png.", hint="Pass --diagram with a file name ending in .svg or .png.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"Cannot write {path}: the folder {folder} does not exist.", hint="Create the folder or pass another --diagram path.")
    dot = require_dot()
    from platformctl.plan.cost import estimate_cost

    arch = build_architecture(plan, estimate_cost(plan).by_region)
    candidates = [to_dot(arch, dr_first=dr_first, anchored=anchored) for anchored in (False, True) for dr_first in (False, True)]
    source = next((c for c in candidates if _primary_on_the_left(dot, c)), candidates[0])
    fd, tmp = tempfile.mkstemp(prefix=".diagram-", suffix=path.suffix, dir=folder)
    os.close(fd)
    try:
        done = subprocess.run([dot, f"-T{fmt}", "-o", tmp], input=source, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise PlatformctlError(f"graphviz could not draw the diagram: {done.stderr.strip()[:300]}", hint="Run with --traceback and report it as a bug.")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a diagram is read like any other file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _primary_on_the_left(dot: str, source: str) -> bool:
    """Lay the graph out (no drawing) and read where graphviz put the two regions' frames.

    The DR arrows read left to right only when the primary is on the left; a layout without drawing takes about 0.04 s.
    """
    done = subprocess.run([dot, "-Tdot"], input=source, capture_output=True, text=True, timeout=60, check=False)
    left = {}
    for region, x in re.findall(r'subgraph cluster_(primary|dr)_region \{[^\]]*?bb="([-\d.]+),', done.stdout):
        left[region] = float(x)
    return len(left) < 2 or left["primary"] < left["dr"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
