"""The FAQ knowledge base: entries in Markdown, their anonymous feedback and the contact-form suggestions."""
