"""`platformctl render`: a service's Kubernetes manifests for one environment, to stdout or a folder."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import console
from platformctl.cli.options import PlatformFileOption
from platformctl.config import env_vars

OutputsOption = typer.Option(
    None,
    "--outputs",
    help="JSON file of the environment's layer outputs (`pulumi stack output --json` per layer, keyed by layer name).",
    envvar=env_vars.OUTPUTS_FILE,
    dir_okay=False,
)
ServiceDirOption = typer.Option(Path("."), "--dir", help="The service's folder, holding service.yaml.", file_okay=False)


def render(
    env: str = typer.Option(..., "--env", "-e", help="Environment to render for, as named in platform.yaml."),
    image: str | None = typer.Option(
        None, "--image", help="Image by tag or digest; a tag is resolved to its digest in ECR. Default: the service's ECR repository at `latest`."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write one file per object into this folder instead of stdout.", file_okay=False),
    as_json: bool = typer.Option(False, "--json", help="Print the objects as one JSON array instead of a YAML stream."),
    outputs: Path | None = OutputsOption,
    directory: Path = ServiceDirOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Print the manifests `platformctl deploy` would apply, byte for byte the same on every run (GitOps-friendly).

    Examples:

        platformctl render --env staging --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/orders@sha256:… --outputs staging.json

        platformctl render --env prod --image …:3f2a1c9 --out deploy/prod
    """
    from platformctl.aws.ecr import resolve_digest
    from platformctl.core.rendering import RenderRequest, prepare

    prepared = prepare(
        RenderRequest(directory=directory, env=env, outputs_file=outputs, image=image, platform_file=platform_file), resolve_digest=resolve_digest
    )
    if as_json:
        import json

        objects = [m.body for m in (prepared.rendered.parent, *prepared.rendered.manifests)]
        console.write_data(json.dumps(objects, indent=2, sort_keys=True) + "\n")
        return
    if out is None:
        console.write_data(prepared.rendered.stream())
        return
    from platformctl.rendering.folder import write_folder

    written = write_folder(out, prepared.rendered.files())
    console.err().print(f"Wrote {len(written)} manifests for {prepared.manifest.name} in {env} to {out}.", markup=False)
