"""Customer-service conversations on every channel: messages, internal notes, queues, assignment, status."""
