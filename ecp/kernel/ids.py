"""Moroccan identifiers checked where they are typed: ICE (identifiant commun de l'entreprise)."""

from __future__ import annotations

import re

from ecp.kernel.errors import InputError


def check_ice(text: str, label: str = "ICE", *, field: str = "ice") -> str:
    """15 digits whose last two are the check of the first thirteen (stdnum.ma.ice)."""
    s = re.sub(r"[\s.-]", "", text)
    if not s.isdigit() or len(s) != 15:
        raise InputError(f"{label} : « {text} » doit compter 15 chiffres", field=field,
                         code="ice.length")
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.ma import ice as stdnum_ice
    try:
        return str(stdnum_ice.validate(s))
    except StdnumError:
        raise InputError(f"{label} : « {text} » a une clé de contrôle fausse", field=field,
                         code="ice.checksum") from None
