"""One module per command group; each builds a Typer sub-app named ``app``."""
