"""State that every replica must see alike: platform events already received (Slack's
event_id) and short-lived values that buttons and forms refer to (a refused form kept for its
"open again" button). In the database, so that two processes behind one load balancer act as
one; adapters get it through `bot.shared.stores`, never the tables."""
