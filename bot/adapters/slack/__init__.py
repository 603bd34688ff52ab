"""The Slack channel (slack-bolt): the navigators' shared place per case, and optionally
entrepreneurs' direct messages. Only this package imports slack_bolt/slack_sdk;
`plugin.py` is what `lotsen serve` knows of it."""
