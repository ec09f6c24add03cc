"""Distinguished names (RFC 4514): escape a value, split a DN, compare two DNs.

Pure Python so that the mapping and the plan need no LDAP library. Comparison lowercases
attribute types and values, which matches the case-insensitive matching rules of every
naming attribute this package uses (uid, cn, ou, dc, o).
"""
from __future__ import annotations

from typing import List, Sequence, Tuple

from enercoop_core.errors import InputError

_SPECIAL = ',+"\\<>;='
_HEX = "0123456789abcdefABCDEF"

RDN = List[Tuple[str, str]]


def escape_value(value: str) -> str:
    """Escape an attribute value for use in a DN (RFC 4514, section 2.4)."""
    out = []
    last = len(value) - 1
    for i, ch in enumerate(value):
        if ch in _SPECIAL or (i == 0 and ch in " #") or (i == last and ch == " "):
            out.append("\\" + ch)
        elif ch == "\0":
            out.append("\\00")
        else:
            out.append(ch)
    return "".join(out)


def rdn(attr: str, value: str) -> str:
    """``rdn("uid", "a,b")`` -> ``"uid=a\\,b"``."""
    return "%s=%s" % (attr, escape_value(value))


def join_dn(*parts: str) -> str:
    """Join already-escaped RDNs and DNs with commas, skipping empty parts."""
    return ",".join(p for p in parts if p)


def _read_escape(dn: str, i: int, buf: bytearray) -> int:
    """Append to ``buf`` the character that the backslash at ``dn[i]`` escapes (``\\2C`` as
    a hex pair of a UTF-8 byte, or ``\\,`` itself); returns the index after it."""
    pair = dn[i + 1:i + 3]
    if len(pair) == 2 and all(c in _HEX for c in pair):
        buf.append(int(pair, 16))
        return i + 3
    if i + 1 < len(dn):
        buf.extend(dn[i + 1].encode("utf-8"))
        return i + 2
    raise InputError("DN ends with a backslash: %r" % dn, field="dn")


def split_dn(dn: str) -> List[RDN]:
    """Split a DN into RDNs, each a list of (type, unescaped value) pairs.

    >>> split_dn("uid=a\\\\,b+cn=X,ou=people,dc=coop")
    [[('uid', 'a,b'), ('cn', 'X')], [('ou', 'people')], [('dc', 'coop')]]
    """
    rdns: List[RDN] = []
    if not dn.strip():
        return rdns
    current: RDN = []
    attr = None
    buf = bytearray()
    keep = 0  # length of buf that must survive right-stripping (escaped characters)
    i, n = 0, len(dn)

    def finish_ava():
        nonlocal buf, keep, attr
        if attr is None:
            raise InputError("not a DN (no '=' in %r)" % dn, field="dn")
        raw = bytes(buf)
        value = raw[:keep] + raw[keep:].rstrip(b" ")
        current.append((attr, value.decode("utf-8")))
        attr, buf, keep = None, bytearray(), 0

    while i < n:
        ch = dn[i]
        if attr is None:
            if ch == "=":
                attr = bytes(buf).decode("utf-8").strip()
                if not attr:
                    raise InputError("empty attribute type in %r" % dn, field="dn")
                buf = bytearray()
                i += 1
                while i < n and dn[i] == " ":
                    i += 1
                continue
            if ch in ",+":
                raise InputError("not a DN (no '=' in %r)" % dn, field="dn")
            buf += ch.encode("utf-8")
            i += 1
            continue
        if ch == "\\":
            i = _read_escape(dn, i, buf)
            keep = len(buf)
            continue
        if ch in ",+":
            finish_ava()
            if ch == ",":
                rdns.append(current)
                current = []
            i += 1
            while i < n and dn[i] == " ":
                i += 1
            continue
        buf += ch.encode("utf-8")
        i += 1
    finish_ava()
    rdns.append(current)
    return rdns


def normalize_dn(dn: str) -> str:
    """A comparison key for a DN: types and values lowercased, spaces around separators
    dropped, the AVAs of a multi-valued RDN sorted."""
    return ",".join(
        "+".join(sorted("%s=%s" % (t.lower(), escape_value(v.lower())) for t, v in r))
        for r in split_dn(dn))


def same_dn(a: str, b: str) -> bool:
    return normalize_dn(a) == normalize_dn(b)


def parent_dn(dn: str) -> str:
    """The DN one level up (normalised form), ``""`` for a single RDN."""
    parts = split_dn(dn)
    return _build(parts[1:])


def first_rdn(dn: str) -> RDN:
    return split_dn(dn)[0]


def is_under(dn: str, base: str) -> bool:
    """True when ``dn`` lies strictly below ``base``."""
    d, b = normalize_dn(dn), normalize_dn(base)
    return d != b and d.endswith("," + b)


def _build(rdns: Sequence[RDN]) -> str:
    return ",".join("+".join(rdn(t, v) for t, v in r) for r in rdns)
