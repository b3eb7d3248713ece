"""The two ``/v2/`` listings, page by page: the catalog and a repository's tags.

Both follow ``Link`` (or ``n``/``last`` on registries from before it), stop on a loop or a page
that brings nothing new, and cap what a hostile registry can make them hold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from tagtui.errors import BadResponse, CatalogUnavailable
from tagtui.model import Repository, Tag
from tagtui.providers.http.exchange import Reply
from tagtui.providers.http.pages import PageGuard, parse_next_link
from tagtui.providers.json_body import load_json
from tagtui.providers.oci.errormap import Subject, parse_registry_errors
from tagtui.providers.oci.http import LIST_LIMIT
from tagtui.providers.oci.listing import Pages, apply_gcr_manifests

if TYPE_CHECKING:
    from tagtui.providers.oci.provider import OciProvider

# Far beyond any real registry (pages are capped by PageGuard); cut off with BadResponse.
MAX_TAGS = 2_000_000


async def _list_page(
    provider: OciProvider, pages: Pages, subject: Subject, passthrough: tuple[int, ...]
) -> Reply:
    """The listing page ``pages`` is at; statuses in ``passthrough`` are for the caller."""
    return await provider.http.request(
        "GET",
        pages.target,
        params=pages.params,
        limit=LIST_LIMIT,
        passthrough=passthrough,
        subject=subject,
    )


async def catalog_pages(provider: OciProvider) -> AsyncIterator[list[Repository]]:
    """``/v2/_catalog`` page by page; CatalogUnavailable where the registry will not list."""
    pages = Pages("/v2/_catalog")
    guard = PageGuard(provider.registry, "the catalog")
    while True:
        if not pages.visit():
            raise BadResponse(f"{provider.registry}: catalog pagination loops back on itself")
        guard.count_page()
        reply = await _list_page(
            provider, pages, Subject(action="listing repositories"), (400, 401, 403, 404, 405)
        )
        errors = parse_registry_errors(reply.body)
        if reply.status == 400 and errors.has("PAGINATION_NUMBER_INVALID") and pages.params:
            pages.params = None  # the registry's own page size, then
            continue
        if reply.status == 401 and "bearer" not in (reply.header("www-authenticate") or "").lower():
            raise provider.http.error(reply, Subject(action="listing repositories"))
        if reply.status in (401, 403, 404, 405) or errors.has("UNSUPPORTED"):
            provider.catalog_listed = False
            who = " to anonymous users" if provider.http.auth.credential is None else ""
            raise CatalogUnavailable(
                f"{provider.display_name} does not list its repositories{who}; "
                f"open a repository by name (e.g. {provider.display_name}/NAMESPACE/NAME)"
            )
        if reply.status != 200:
            raise provider.http.error(reply, Subject(action="listing repositories"))
        document = load_json(reply.body, f"catalog of {provider.registry}: not valid JSON")
        page = document.get("repositories") if isinstance(document, dict) else None
        if page is None and isinstance(document, dict):
            page = []
        if not isinstance(page, list) or not all(isinstance(n, str) for n in page):
            raise BadResponse(f"{provider.registry}: catalog answer has no repository list")
        provider.catalog_listed = True
        link = parse_next_link(reply.header("link"))
        # A Link that changes on every page while the names repeat is no step forward.
        fresh = guard.progress(page, more=bool(link))
        if fresh:
            yield [Repository(name=name) for name in fresh]
        if not pages.advance(link and provider.link_target(link), page, bool(fresh)):
            return


async def tag_pages(provider: OciProvider, repository: str) -> AsyncIterator[list[Tag]]:
    """The tags page by page as the registry sends them (each name once)."""
    provider.check_repository(repository)
    pages = Pages(f"/v2/{repository}/tags/list")
    count = 0
    where = f"tags of {provider.display_name}/{repository}"
    guard = PageGuard(provider.display_name, f"tags of {repository}")
    while True:
        if not pages.visit():
            raise BadResponse(f"{where}: pagination loops back on itself")
        guard.count_page()
        if count > MAX_TAGS:
            raise BadResponse(f"{where}: more tags than any registry should send")
        reply = await _list_page(
            provider, pages, Subject(repository=repository, action="listing tags"), (400,)
        )
        if reply.status == 400:
            errors = parse_registry_errors(reply.body)
            if pages.params and errors.has("PAGINATION_NUMBER_INVALID"):
                pages.params = None
                continue
            raise provider.http.error(reply, Subject(repository=repository))
        document = load_json(reply.body, f"{where}: not valid JSON")
        if not isinstance(document, dict):
            raise BadResponse(f"{where}: unexpected answer")
        page = document.get("tags")
        if page is None:
            page = []  # distribution answers null for a repository without tags
        if not isinstance(page, list) or not all(isinstance(t, str) for t in page):
            raise BadResponse(f"{where}: tags is not a list of names")
        link = parse_next_link(reply.header("link"))
        # Only links can lead nowhere new: ``last`` moves only after new names.
        fresh = guard.progress(page, more=bool(link))
        tags = {name: Tag(name=name) for name in fresh}
        apply_gcr_manifests(document.get("manifest"), tags)
        count += len(tags)
        if tags:
            yield list(tags.values())
        if not pages.advance(link and provider.link_target(link), page, bool(fresh)):
            break
