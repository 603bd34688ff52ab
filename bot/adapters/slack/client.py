"""The Slack Web API client: configurable base URL (SLACK_API_URL) and slack_sdk's own retry
handler for 429 (it waits for Retry-After). Connection errors are not retried here: a request
that may have reached Slack is reported to the outbox as of unknown outcome instead."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler


def make_web_client(*, token: str, base_url: str = "https://slack.com/api/", max_rate_limit_retries: int = 3,
                    timeout: int = 30) -> WebClient:
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(token=token, base_url=base_url, timeout=timeout,
                     retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=max_rate_limit_retries)])
