"""The Telegram channel (python-telegram-bot 22): entrepreneurs in private chats and, optionally,
the navigators' group. Only this package imports `telegram`; `plugin.py` is what `lotsen serve` knows of it."""
