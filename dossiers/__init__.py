"""The SQL store shared by the action server and the gateway: handover queue, transcripts,
feedback, asked questions (and, later, profiles and dossier drafts)."""
