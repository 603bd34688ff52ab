"""The Telegram channel (python-telegram-bot 22): entrepreneurs in private chats and, optionally,
the navigators' group. Only this package (and bot/serve.py) imports `telegram`."""
