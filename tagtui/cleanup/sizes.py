"""How much a repository holds and what each tag alone holds in it (issue 10 §3).

Both count compressed blob sizes (configs, layers, and for an index its platform manifests),
each blob once by digest, over the manifests the repository's tags point at:

- a repository's *total* is the sum over every blob some tag reaches (what it would take to
  copy the repository, or what stays on disk after garbage collection);
- a tag's *unique* bytes are the blobs no other tag reaches: what deleting that tag alone would
  let garbage collection free. A tag sharing its digest with another tag, or whose manifest a
  tagged index refers to, has none.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tagtui.cleanup.plan import Footprints


@dataclass(frozen=True)
class RepositorySizes:
    """``total`` None when a tag's footprint is unknown; ``unique`` has only tags known."""

    total: int | None
    unique: dict[str, int]


def repository_sizes(footprints: Footprints) -> RepositorySizes:
    digest_of = footprints.digest_of
    prints = footprints.footprints
    tags_on: Counter[str] = Counter(d for d in digest_of.values() if d)
    known = {d: fp for d in tags_on if (fp := prints.get(d)) is not None}
    # A manifest a tagged index refers to is reached through the index too.
    referred = {child for fp in known.values() for child in fp.manifests}
    reach: Counter[str] = Counter()
    sizes: dict[str, int] = {}
    for footprint in known.values():
        for blob, size in {blob: size for blob, size in footprint.blobs}.items():
            reach[blob] += 1
            sizes[blob] = size
    unique: dict[str, int] = {}
    for name, digest in digest_of.items():
        footprint = known.get(digest) if digest else None
        if footprint is None:
            continue
        if tags_on[digest] > 1 or digest in referred:
            unique[name] = 0
            continue
        own = {blob: size for blob, size in footprint.blobs}
        unique[name] = sum(size for blob, size in own.items() if reach[blob] == 1)
    complete = all(d is not None for d in digest_of.values()) and len(known) == len(tags_on)
    return RepositorySizes(sum(sizes.values()) if complete else None, unique)
