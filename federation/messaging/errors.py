"""Errors of the federation layer: refusals at send time and permanent failures at delivery time."""

from __future__ import annotations


class FederationError(ValueError):
    """A send was refused; carries field, code and message like every user-facing error."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        self.code = code
        self.message = message
        super().__init__(f"{field}: {message}")


class OutsideTransaction(RuntimeError):
    """send() was called in autocommit mode, where the change and its message could part ways."""


class PermanentError(Exception):
    """The message can never be applied as it is: it goes to the dead letters without more attempts.

    Handlers raise it for a payload they cannot apply (e.g. it names something the receiver does not
    have); any other exception counts as transient and is retried with backoff.
    """

    code = "permanent"


class UnknownKind(PermanentError):
    code = "unknown_kind"


class InvalidPayload(PermanentError):
    code = "invalid_payload"


class UnknownTarget(PermanentError):
    code = "unknown_target"


class UnknownSource(PermanentError):
    code = "unknown_source"


class IsolationError(PermanentError):
    """A handler left the target schema, or was asked to run outside it."""

    code = "isolation"
