"""The one SQL store (SQLAlchemy Core; SQLite by default, PostgreSQL by ``APP_DB_URL``).

One small module a concern, all on the engine and metadata of ``storage.db``:
- ``handover``: conversations queued for / served by an officer, their transcripts, the outbox.
- ``analytics``: questions asked and ratings given.
- ``channels``: channel plumbing — Telegram button payload keys, Zalo OAuth tokens, webhook de-dup.
- ``identities``: login links and the proven identity (OpenID Connect subject) a conversation is signed in as.
- ``citizens``: profiles kept with consent for a proven identity, and dossier drafts.
The schema is versioned by Alembic (``storage/migrations``); ``python -m storage upgrade`` applies it,
and the first use of the engine in a process does the same.
"""
