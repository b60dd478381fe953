"""`platformctl bootstrap`: the S3 state bucket and KMS keys that `up` keeps an environment's state and secrets in."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli.options import JsonOption, PlatformFileOption


def bootstrap(
    ctx: typer.Context,
    env: str = typer.Option(..., "--env", "-e", help="Environment, as named in platform.yaml."),
    json_output: bool = JsonOption,
    platform_file: Path | None = PlatformFileOption,
) -> None:
    """Create the environment's Pulumi state bucket (versioned, SSE-KMS with a rotating key, public access blocked, TLS only,
    old versions expiring) and the KMS key for Pulumi secrets, in the primary region.

    Running it again changes nothing and says so. A bucket or key that exists with weaker settings is
    reported with what is weaker, never changed (exit 1).
    """
    from platformctl.cli import console
    from platformctl.config.env_vars import SECRETS_PROVIDER, STATE_URL
    from platformctl.core.bootstrap import bootstrap_backend

    wiring = ctx.obj
    report = bootstrap_backend(env, aws_client=wiring.aws_client, identity=wiring.aws_identity, platform_file=platform_file, cwd=Path.cwd())
    names = report.names
    stderr = console.err()
    if json_output:
        console.write_document({"environment": env, "state_url": names.state_url, "secrets_provider": names.secrets_provider,
                                "created": report.created, "unchanged": report.unchanged, "weaker": report.weaker})
    else:
        for item in report.created:
            stderr.print(f"created    {item}", markup=False)
        for item in report.unchanged:
            stderr.print(f"unchanged  {item}", markup=False)
        for item in report.weaker:
            stderr.print(f"WEAKER     {item} (not changed)", markup=False)
        console.write_data(f"export {STATE_URL}='{names.state_url}'\nexport {SECRETS_PROVIDER}='{names.secrets_provider}'\n")
    if not report.created and not report.weaker:
        stderr.print("Nothing to change: the state backend was already in place.")
    if report.weaker:
        stderr.print("The existing backend is weaker than platformctl's baseline and was left as it is: fix it in the AWS console "
                     "or with your own tooling, then run bootstrap again.", markup=False)
        raise typer.Exit(1)
    stderr.print(f"Next: export the two variables above, then `platformctl up --env {env}`.", markup=False)
