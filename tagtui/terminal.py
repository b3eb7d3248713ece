"""Whether the terminal can show Unicode: decided once at startup, from the locale, as ncurses
does. The first of ``LC_ALL``, ``LC_CTYPE`` and ``LANG`` that is set names the character set;
UTF-8 unless it names another one (``C``, ``POSIX``, ``ANSI_X3.4-1968``, ``ISO-8859-1``...).
``TAGTUI_ASCII=1`` forces ASCII, ``TAGTUI_ASCII=0`` Unicode.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# What Python itself writes into LC_CTYPE when it starts in the C locale (PEP 538): says nothing
# about the terminal, so the next variable decides.
_COERCED = {"C.UTF-8", "C.utf8", "UTF-8"}
_YES, _NO = {"1", "yes", "true", "on"}, {"0", "no", "false", "off"}


def names_utf8(locale_name: str) -> bool:
    """``en_US.UTF-8``, ``C.utf8``: yes. ``C``, ``POSIX``, ``de_DE.ISO-8859-1``: no. A name
    without a character set (``en_US``) is taken as UTF-8, today's default."""
    name = locale_name.split("@", 1)[0]
    if name in ("C", "POSIX"):
        return False
    charset = name.rpartition(".")[2] if "." in name else name if "_" not in name else ""
    if not charset:
        return True
    return charset.lower().replace("-", "").replace("_", "") == "utf8"


def ascii_only(environ: Mapping[str, str] | None = None) -> bool:
    """True when the terminal's locale cannot show Unicode (or ``TAGTUI_ASCII=1`` says so)."""
    env = os.environ if environ is None else environ
    forced = env.get("TAGTUI_ASCII", "").strip().lower()
    if forced in _YES:
        return True
    if forced in _NO:
        return False
    for variable in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(variable, "")
        if not value or (variable == "LC_CTYPE" and value in _COERCED):
            continue
        return not names_utf8(value)
    return False
