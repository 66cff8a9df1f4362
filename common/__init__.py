"""What ``dossiers/`` and ``storage/`` both use, below both: personal-data masking (``privacy``) and the
dossier status codes (``status``). It imports nothing of the project's but ``bot.vietnamese`` (pure
Python text handling), so storage never reaches up into dossiers; a test checks the import graph.
"""
