"""One declared requirement (PEP 508 text, URL, path, editable) as a model.Requirement."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from parity.model import Origin, Requirement

_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# name-version... of a wheel or sdist file name
_ARCHIVE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._]*?)-\d[^/]*\.(?:whl|tar\.gz|zip|tar\.bz2|tgz)$")


def normalize_spaces(text: str) -> str:
    return " ".join(text.split())


def canonical(name: str) -> str:
    return str(canonicalize_name(name))


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
