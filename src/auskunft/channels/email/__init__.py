"""The email channel: IMAP fetch, .eml/.mbox import, SMTP replies (docs/email.md).

`parse` turns raw bytes into an `Inbound`; `autoreply` recognises automatic mail; `imap` and `importer` hand
messages to the conversation service; `smtp` builds and sends replies; `cli` is `auskunft email ...`.
"""
