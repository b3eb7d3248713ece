"""How the UI turns whatever a worker raised into something it can show."""

from __future__ import annotations

from tagtui.errors import TagtuiError


class UnexpectedError(TagtuiError):
    """A bug (a provider raising something that is not a TagtuiError): shown, never fatal."""

    title = "Unexpected error"


def as_error(err: Exception) -> TagtuiError:
    if isinstance(err, TagtuiError):
        return err
    error = UnexpectedError(f"{type(err).__name__}: {err}")
    error.__cause__ = err  # its traceback, for TAGTUI_DEBUG=1
    return error
