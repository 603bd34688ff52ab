"""Configuration from the environment (or a `.env` file). Secrets never come from anywhere else.

Names are the documented ones (README, "Configuration"); `load_settings` turns a malformed
value into one line naming the variable instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core.core_schema import ValidationInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_knowledge_dir() -> Path:
    """knowledge/ of the checkout (an editable install), else knowledge/ in the working
    directory. Containers set LOTSEN_KNOWLEDGE_DIR."""
    bundled = REPO_ROOT / "knowledge"
    return bundled if bundled.is_dir() else Path.cwd() / "knowledge"


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    database_url: str = Field("sqlite:///lotsen.db",
                              validation_alias=AliasChoices("LOTSEN_DATABASE_URL"))
    knowledge_dir: Path = Field(default_factory=_default_knowledge_dir,
                                validation_alias=AliasChoices("LOTSEN_KNOWLEDGE_DIR"))
    routing_file: Path | None = Field(None, validation_alias=AliasChoices("LOTSEN_ROUTING_FILE"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOTSEN_LOG_LEVEL"))

    telegram_bot_token: SecretStr | None = Field(None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN"))
    telegram_api_url: str = Field("https://api.telegram.org/bot",
                                  validation_alias=AliasChoices("TELEGRAM_API_URL"))
    telegram_webhook_url: str | None = Field(None, validation_alias=AliasChoices("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_WEBHOOK_SECRET"))
    telegram_navigator_chat_id: int | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_NAVIGATOR_CHAT_ID"))

    slack_bot_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=AliasChoices("SLACK_API_URL"))
    slack_navigator_channel: str | None = Field(None, validation_alias=AliasChoices("SLACK_NAVIGATOR_CHANNEL"))
    # The /rapport page (aggregates only) needs this token; without it the page does not exist.
    report_token: SecretStr | None = Field(None, validation_alias=AliasChoices("LOTSEN_REPORT_TOKEN"))

    # The web chat (bot/adapters/web): on unless LOTSEN_WEB_CHAT=off; its cookie key (a random key
    # kept in the database, shared by the replicas, when unset).
    web_chat: bool = Field(True, validation_alias=AliasChoices("LOTSEN_WEB_CHAT"))
    web_secret: SecretStr | None = Field(None, validation_alias=AliasChoices("LOTSEN_WEB_SECRET"))

    http_port: int = Field(8080, validation_alias=AliasChoices("LOTSEN_HTTP_PORT"), ge=1, le=65535)
    # `lotsen serve` tries an unreachable Telegram, Slack or database again this many times,
    # waiting `startup_backoff` seconds, then twice that, and so on, before giving up.
    startup_retries: int = Field(3, validation_alias=AliasChoices("LOTSEN_STARTUP_RETRIES"), ge=0, le=20)
    startup_backoff: float = Field(1.0, validation_alias=AliasChoices("LOTSEN_STARTUP_BACKOFF"), ge=0, le=60)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
        return level

    # The outbox's claims (bot.outbox.leases): a dead process's rows go out again this long
    # after its last heartbeat (plus one sweep); the heartbeat must be well inside the lease.
    outbox_lease_seconds: float = Field(20.0, validation_alias=AliasChoices("LOTSEN_OUTBOX_LEASE_SECONDS"),
                                        gt=0, le=600)
    outbox_heartbeat_seconds: float | None = Field(
        None, validation_alias=AliasChoices("LOTSEN_OUTBOX_HEARTBEAT_SECONDS"), gt=0)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        return value

    @field_validator("outbox_heartbeat_seconds")
    @classmethod
    def _heartbeat_inside_lease(cls, value: float | None, info: ValidationInfo) -> float | None:
        lease = info.data.get("outbox_lease_seconds")
        if value is not None and lease is not None and value * 2 > lease:
            raise ValueError("must be at most half of LOTSEN_OUTBOX_LEASE_SECONDS")
        return value

    @property
    def outbox_heartbeat(self) -> float:
        """Seconds between two renewals of the outbox leases (a quarter of the lease by default)."""
        return self.outbox_heartbeat_seconds or self.outbox_lease_seconds / 4

    @property
    def resolved_routing_file(self) -> Path:
        return self.routing_file or (self.knowledge_dir.parent / "routing_rules.yaml")


def load_settings(**overrides) -> Settings:
    """Read settings; on a bad value raise ConfigError naming the variable in one line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else "configuration"
        env_name = _ENV_NAMES.get(field, field)
        raise ConfigError(f"{env_name}: {first['msg'].removeprefix('Value error, ')}") from None


_ENV_NAMES = {
    name: (info.validation_alias.choices[0] if isinstance(info.validation_alias, AliasChoices) else name)
    for name, info in Settings.model_fields.items()
}
