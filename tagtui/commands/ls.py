"""``tagtui ls``: repositories, or a repository's tags as ``TAG<TAB>DIGEST``.

``-l`` (the long listing) and ``--json`` live in ``ls_long``, imported only when asked for:
the plain listing stays as fast to start as a bare HTTP client.
"""

from __future__ import annotations

from typing import TextIO

from tagtui.targets import Target
from tagtui.text import sanitize


async def run_ls(
    target: Target, out: TextIO, *, long: bool = False, sort: str = "name", as_json: bool = False
) -> int:
    if long or as_json:
        from tagtui.commands.ls_long import run_ls_long

        return await run_ls_long(target, out, long=long, sort=sort, as_json=as_json)
    provider, repository = target.provider, target.location.repository
    if repository is None:
        # Print each page as it arrives so a 10,000-repository catalog starts scrolling at once.
        async for page in provider.list_repositories():
            out.write("".join(f"{sanitize(repo.name)}\n" for repo in page))
            out.flush()
        return 0
    tags = await provider.list_tags(repository)
    out.write("".join(f"{sanitize(tag.name)}\t{sanitize(tag.digest or '-')}\n" for tag in tags))
    return 0
