"""The web layer (FastAPI): `app.py` builds the application; `api/` holds the REST API.

HTTP status codes live here and nowhere else: the layers below raise `auskunft.errors`, and
`api/errors.py` turns them into responses.
"""
