"""``tagtui ls``: repositories, or a repository's tags as ``TAG<TAB>DIGEST``."""

from __future__ import annotations

from typing import TextIO

from tagtui.targets import Target
from tagtui.text import sanitize


async def run_ls(target: Target, out: TextIO) -> int:
    provider, repository = target.provider, target.location.repository
    if repository is None:
        # Print each page as it arrives so a 10,000-repository catalog starts scrolling at once.
        async for page in provider.list_repositories():
            out.write("".join(f"{sanitize(repo.name)}\n" for repo in page))
            out.flush()
        return 0
    tags = await provider.list_tags(repository)
    out.write("".join(f"{sanitize(tag.name)}\t{tag.digest or '-'}\n" for tag in tags))
    return 0
