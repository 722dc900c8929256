"""The knowledge base: legal articles imported from the official formats, the FAQ, and their search."""
