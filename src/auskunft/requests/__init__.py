"""Data-subject requests: recognised in incoming messages, opened as cases, tracked to their deadline."""
