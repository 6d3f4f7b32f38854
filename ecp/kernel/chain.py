"""The chain head: how many entries the hash chain holds and the last hash.

Printed on closing reports, statements and exports, recorded at each month close, so a copy
kept outside the database can be compared with the books."""

from __future__ import annotations

from dataclasses import dataclass

from ecp.kernel.errors import InputError


@dataclass(frozen=True)
class ChainHead:
    count: int
    hash: str

    def __str__(self) -> str:
        return f"{self.count}:{self.hash}"

    @classmethod
    def parse(cls, text: str, field: str = "expect") -> ChainHead:
        """``COUNT:HASH`` as printed by verify."""
        count, sep, digest = text.strip().lower().partition(":")
        if not sep or not count.isdigit() or len(digest) != 64 \
                or any(c not in "0123456789abcdef" for c in digest):
            raise InputError(f"tête de chaîne : « {text} » attendu NOMBRE:EMPREINTE "
                             "(64 caractères hexadécimaux)", field=field)
        return cls(int(count), digest)
