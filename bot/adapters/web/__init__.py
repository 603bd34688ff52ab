"""The web chat: a page at /chat and an embeddable widget, served by the one HTTP server.

A channel plugin (plugin.py) like Telegram and Slack: it translates and renders, and keeps what
it must show again (the transcript, the cookie key) in stores the core lends it (bot.shared).
"""
