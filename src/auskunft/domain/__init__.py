"""Plain domain types and rules. Imports neither the web framework nor the database."""
