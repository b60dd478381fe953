"""The floor for `--help`: a one-command typer app with the same typer settings as platformctl."""

import typer

app = typer.Typer(no_args_is_help=True, add_completion=True, pretty_exceptions_enable=False, rich_markup_mode="markdown")


@app.command()
def hello(name: str = typer.Option("world", help="Who to greet.")) -> None:
    """Say hello."""
    print(f"hello {name}")


@app.command()
def bye() -> None:
    """Say bye."""


if __name__ == "__main__":
    app()
