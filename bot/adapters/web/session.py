"""The web chat's session: a signed, HttpOnly, strictly necessary cookie holding a random
session id, and the token that every post must carry (CSRF).

The session id is the person's id in the core (channel "web"); the core never sees the cookie.
A cookie that does not verify (forged, from another deployment's key, expired) is never taken:
the request gets a fresh session, or is refused where a session must already exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from itsdangerous import BadSignature, TimestampSigner

COOKIE = "lotsen_chat"
MAX_AGE = 30 * 24 * 3600  # a month: the conversation is there when the person comes back
_SID = re.compile(r"^[A-Za-z0-9_-]{22}$")


class Sessions:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._signer = TimestampSigner(secret, salt="lotsen-web-session", digest_method=hashlib.sha256)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(16)  # 128 bits, 22 characters

    def cookie_value(self, sid: str) -> str:
        return self._signer.sign(sid).decode()

    def read(self, cookie: str | None) -> str | None:
        """The session id in a cookie we signed (and that has not expired), else None."""
        if not cookie or len(cookie) > 200:
            return None
        try:
            sid = self._signer.unsign(cookie, max_age=MAX_AGE).decode()
        except (BadSignature, UnicodeDecodeError):
            return None
        return sid if _SID.match(sid) else None

    def csrf(self, sid: str) -> str:
        digest = hmac.new(self._secret, f"csrf\n{sid}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()

    def csrf_ok(self, sid: str, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.csrf(sid).encode())
