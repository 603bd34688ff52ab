"""The one HTTP server (Starlette on uvicorn). Channel packages add their routes to it."""

from bot.adapters.http.server import MAX_BODY, HttpServer

__all__ = ["MAX_BODY", "HttpServer"]
