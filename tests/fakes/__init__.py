"""Fake Telegram Bot API and Slack Web API servers for tests and benchmarks (127.0.0.1, port 0)."""
