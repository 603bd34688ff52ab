"""`lotsen db upgrade|backup|restore`: schema migrations, backups."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Database schema and backups.", no_args_is_help=True)


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


@app.command("backup")
def backup_command(
    file: Path = typer.Argument(..., help="where to write the copy"),
    force: bool = typer.Option(False, "--force", help="replace FILE if it exists"),
) -> None:
    """Copy the SQLite database to FILE while Lotsen runs (SQLite's online backup API). For
    PostgreSQL it prints the pg_dump command to use instead."""
    from bot.storage.backup import backup_sqlite

    settings = _sqlite_settings(file, restore_only=False)
    copied = _done(lambda: backup_sqlite(url=settings.database_url, target=file, overwrite=force),
                   "Ingen säkerhetskopia / no backup")
    typer.echo(f"Säkerhetskopia klar / backup written: {copied.path} ({copied.pages} pages, "
               f"schema {', '.join(sorted(copied.heads)) or 'none'})")


@app.command("restore")
def restore_command(
    file: Path = typer.Argument(..., help="a backup written by 'lotsen db backup'"),
    force: bool = typer.Option(False, "--force", help="restore even if another process has the database open"),
) -> None:
    """Replace the SQLite database with a backup. Stop 'lotsen serve' first: a database another
    process has open is refused without --force."""
    from bot.storage.backup import restore_sqlite

    settings = _sqlite_settings(file, restore_only=True)
    copied = _done(lambda: restore_sqlite(url=settings.database_url, source=file, force=force),
                   "Ingen återställning / not restored")
    typer.echo(f"Återställd / restored: {copied.path} from {file} (schema {', '.join(sorted(copied.heads))}). "
               "Start Lotsen again; it applies newer migrations on start.")


def _sqlite_settings(file: Path, *, restore_only: bool):
    """The settings, when the database is SQLite; for PostgreSQL the pg_dump / pg_restore
    commands to use instead are printed and the command ends (exit code 1)."""
    from bot.cli.common import settings_or_exit
    from bot.storage.backup import pg_commands, sqlite_path

    settings = settings_or_exit()
    if sqlite_path(settings.database_url) is not None:
        return settings
    dump, restore = pg_commands(settings.database_url, str(file))
    if restore_only:
        typer.echo(f"PostgreSQL: återställ med pg_restore / restore with pg_restore:\n  {restore}", err=True)
    else:
        typer.echo("PostgreSQL: ta en säkerhetskopia med pg_dump / back up with pg_dump "
                   "(password in PGPASSWORD or ~/.pgpass):", err=True)
        typer.echo(f"  {dump}", err=True)
        typer.echo("Återställ / restore:", err=True)
        typer.echo(f"  {restore}", err=True)
    raise typer.Exit(1)


def _done(copy, refused: str):
    """Run the copy; a BackupError is one line on standard error and exit code 1."""
    from bot.storage.backup import BackupError

    try:
        return copy()
    except BackupError as exc:
        typer.echo(f"{refused}: {exc}", err=True)
        raise typer.Exit(1) from None
