"""Imports every domain's tables so that SQLModel.metadata is complete (migrations, tests).

Each domain keeps its own `models.py`; add one import line here per domain.
"""

from bot.cases.models import Case, CaseCounter, CaseEvent, Consent  # noqa: F401
from bot.conversation.models import Conversation, Message  # noqa: F401
from bot.insight.models import Answer, ClaimFact, Survey  # noqa: F401
from bot.meetings.models import Meeting, MeetingAudit, Signup, Subscription  # noqa: F401
from bot.outbox.models import OutboxAudit, OutboxItem  # noqa: F401
from bot.shared.models import KeptValue, SeenEvent, SharedSecret, TranscriptEntry  # noqa: F401
