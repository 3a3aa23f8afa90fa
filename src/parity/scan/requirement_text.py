"""One declared requirement (PEP 508 text, URL, path, editable) as a model.Requirement."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from parity.model import Origin, Requirement

# packaging (PEP 508 parsing) is imported only for a requirement the simple form below does
# not cover: importing it costs a fresh `parity` process more than the whole scan does.

_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# name-version... of a wheel or sdist file name
_ARCHIVE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._]*?)-\d[^/]*\.(?:whl|tar\.gz|zip|tar\.bz2|tgz)$")
_SEPARATORS = re.compile(r"[-_.]+")

# The plain PEP 508 requirements most files hold: a name, maybe [extras], maybe version
# clauses with release numbers only ("Django>=5.0,<6", "psycopg[binary]==3.2.1"), no URL
# and no marker. Every string this matches is valid PEP 508 with exactly this name and
# these extras (tests compare it with packaging); anything else goes to packaging.
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_RELEASE = r"[0-9]+(?:\.[0-9]+)*"
_CLAUSE = (
    rf"(?:(?:==|!=) ?{_RELEASE}(?:\.\*)?"
    rf"|(?:<=|>=|<|>) ?{_RELEASE}"
    r"|~= ?[0-9]+(?:\.[0-9]+)+)"
)
_SIMPLE = re.compile(
    rf"(?P<name>{_NAME})(?:\[(?P<extras>{_NAME}(?:,{_NAME})*)\])?"
    rf"(?: ?{_CLAUSE}(?: ?, ?{_CLAUSE})*)?"
)


def normalize_spaces(text: str) -> str:
    return " ".join(text.split())


def canonical(name: str) -> str:
    """The PEP 503 normalized name (what packaging.utils.canonicalize_name returns)."""
    return _SEPARATORS.sub("-", name).lower()


def parse_requirement(
    text: str, origin: Origin | None, *, no_binary: bool = False, fallback_name: str | None = None
) -> Requirement | None:
    """The requirement `text` declares; None when it names no package at all.

    PEP 508 text gives name, extras and marker. A URL, a path or an
    editable is kept as written, named from its #egg= fragment or file name.
    """
    spec = normalize_spaces(text)
    reference = re.sub(r"^(-e|--editable)(\s+|=)", "", spec)
    if reference == spec:
        simple = _SIMPLE.fullmatch(spec)
        if simple:
            # packaging keeps the extras as written, in a set: "a[X,x]" gives ("x", "x") too
            written = set(simple.group("extras").split(",")) if simple.group("extras") else ()
            return Requirement(
                name=canonical(simple.group("name")),
                spec=spec,
                origin=origin,
                extras=tuple(sorted(canonical(e) for e in written)),
                no_binary=no_binary,
            )
        from packaging.requirements import InvalidRequirement
        from packaging.requirements import Requirement as Pep508

        try:
            parsed = Pep508(spec)
        except InvalidRequirement:
            pass
        else:
            return Requirement(
                name=canonical(parsed.name),
                spec=spec,
                origin=origin,
                extras=tuple(sorted(canonical(e) for e in parsed.extras)),
                marker=str(parsed.marker) if parsed.marker else None,
                no_binary=no_binary,
            )
    name = name_of_reference(reference) or fallback_name
    if name is None:
        return None
    return Requirement(name=canonical(name), spec=spec, origin=origin, no_binary=no_binary)


def name_of_reference(reference: str) -> str | None:
    """The project name behind a URL, archive or directory reference, if it can be told."""
    egg = _EGG.search(reference)
    if egg:
        return egg.group(1).split("[")[0]
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Pep508

    try:
        return Pep508(reference).name  # "name @ url" and editables written that way
    except InvalidRequirement:
        pass
    path = urlsplit(reference).path if "://" in reference else reference
    last = path.rstrip("/").rsplit("/", 1)[-1].split("[")[0]
    archive = _ARCHIVE.match(last)
    if archive:
        return archive.group(1)
    if last in ("", ".", "..") or "://" in reference:
        return None  # a bare URL or the current directory: the caller may know better
    looks_like_path = "/" in reference or reference.startswith((".", "~"))
    return last if looks_like_path and " " not in reference else None


def is_local_reference(spec: str) -> bool:
    """True when the requirement installs from a path (so the install reads that directory)."""
    reference = re.sub(r"^(-e|--editable)(\s+|=)", "", spec).strip()
    return reference.startswith((".", "/", "file:")) or " @ file:" in reference
