"""Tutum's REST API v1 (later Docker Cloud): images, their tags, whole-image delete.

- Images come through Tastypie's envelope (``{"meta": {"next": ...}, "objects": [...]}``);
  ``meta.next`` is a host-relative path, followed until null (guarded against loops).
- An image's tags are the resource URIs in its ``tags[]``; each is fetched on its own
  (``GET /api/v1/image/{name}/tag/{tag}/``: image names keep their slashes, trailing slash
  required). A tag's ``layer`` carries the config facts (env, labels, ports, volumes...).
- ``layer.docker_id`` is the image's docker id (a content hash of the config), not a registry
  manifest digest: it is shown as "Docker id" and never used as ``Tag.digest``, so nothing
  builds an ``image@sha256:`` reference that no registry would resolve.
- The API has no tag delete: ``DELETE /api/v1/image/{name}/`` removes the whole image with
  every tag, and the delete plan says exactly that.
"""

from tagtui.providers.tutum.provider import TutumAuth, TutumProvider, base_url, create_provider
from tagtui.providers.tutum.records import image_path, tag_path, when

__all__ = [
    "TutumAuth",
    "TutumProvider",
    "base_url",
    "create_provider",
    "image_path",
    "tag_path",
    "when",
]
