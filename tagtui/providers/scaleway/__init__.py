"""Scaleway Container Registry through its REST API (registry/v1): namespaces, images, tags.

The image list is ``namespace/image``; tags come 100 a page over ``total_count``. The REST API
knows a tag's digest, dates and status but nothing of the image's config or layers (those are
only served over the registry protocol at ``rg.<region>.scw.cloud``): the detail says so rather
than inventing them.

Deleting a tag: the API documents that when other tags share the digest the deletion fails
unless ``force=true`` (a deprecated parameter) is sent, and says nothing about what ``force``
does to those other tags. So a plain delete never sends it (and the refusal is shown as such);
only the user's explicit whole-digest choice sends ``force=true``, with every tag sharing the
digest counted as possibly lost.
"""

from tagtui.providers.scaleway.config import KEYRING_HOST
from tagtui.providers.scaleway.provider import ScalewayProvider, create_provider

__all__ = ["KEYRING_HOST", "ScalewayProvider", "create_provider"]
