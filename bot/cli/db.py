"""`lotsen db upgrade`: apply schema migrations."""

from __future__ import annotations

import typer

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Apply all schema migrations to the configured database (LOTSEN_DATABASE_URL)."""
    from bot.cli.common import settings_or_exit
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    settings = settings_or_exit()
    database = Database.from_url(settings.database_url)
    try:
        upgrade(database.engine)
    finally:
        database.dispose()
    typer.echo("Databasen är uppdaterad. / The database is up to date.")
