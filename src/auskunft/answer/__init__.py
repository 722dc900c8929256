"""The Art. 15 answer: one builder, many renderers (JSON, HTML, PDF, text)."""
