"""Customer-service channels, one self-contained folder each: email, form, chat, phone.

A channel turns what arrives into an `auskunft.conversations.model.Inbound` and hands it to
`auskunft.conversations.service.receive`, which files it into a conversation, records every piece of personal
data with its provenance in the ledger and checks it for a data-subject request.
"""
