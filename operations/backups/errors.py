from __future__ import annotations


class BackupError(Exception):
    """An expected failure of a backup or restore: the message says what and what to do, for the CLI."""
