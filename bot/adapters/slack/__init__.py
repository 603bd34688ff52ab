"""The Slack channel (slack-bolt): the navigators' shared place per case, and optionally
entrepreneurs' direct messages. Only this package (and bot/serve.py) imports slack_bolt/slack_sdk."""
