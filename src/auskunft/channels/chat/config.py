"""Settings of the live chat: where it is, what it is for, how long it is kept, and its limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

PATH = "/chat"
RETENTION_RULE = "chat_transcript"
"""The register's retention rule for chat transcripts (the conversation service files chats under it)."""


class ChatConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    public_url: str | None = Field(
        None, description="The chat page's public address, recorded as source; default: website + /chat."
    )
    purpose: str = Field("customer_service", description="Register activity the chat serves.")
    retention_rule: str = Field(RETENTION_RULE, description="Register retention rule of the transcript.")
    queue: str = Field("kundenservice", description="Queue new chat conversations land in.")
    max_message: int = Field(4000, ge=1, description="Characters of one message.")
    messages_per_minute: int = Field(30, ge=1, description="Messages one visitor may send per minute.")
    starts_per_ip: int = Field(10, ge=1, description="Chats one IP address may start per window.")
    window_minutes: int = Field(10, ge=1)
    max_sessions: int = Field(500, ge=1, description="Live chats at the same time.")
    idle_minutes: int = Field(30, ge=1, description="A chat nobody writes in is ended after this time.")
    history: int = Field(500, ge=1, description="Lines of a live chat kept in memory to relay on (re)join.")
