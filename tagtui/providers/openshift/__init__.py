"""OpenShift's image API (image.openshift.io/v1): image streams as images, ImageTags as tags.

- Image list: the namespace's image streams, paged with ``limit``/``continue``; a continue
  token that expired (410 Expired) restarts the listing from scratch, a bounded number of times,
  without showing a stream twice.
- Tags of a stream: read from the image stream itself (``GET imagestreams/{name}``). An ImageTag
  exists for every spec or status tag of the stream, and the stream carries exactly those
  (``spec.tags[]``, ``status.tags[]`` with their history) in one request. Listing
  ``/namespaces/{ns}/imagetags`` instead would return every tag of every stream of the namespace
  with no way to ask for one stream (its ``limit`` counts streams, and no continue token comes
  back), so it is not used for a single stream.
- A tag's status history (``items[1:]``) becomes its revisions; ``GET imagetags/{stream}:{tag}``
  gives the tag's detail with its Image (config, layers, manifest-list platforms, signatures).
- Delete is ``DELETE imagetags/{stream}:{tag}``: it removes the tag's spec and status history
  from the stream; the Image objects stay in the cluster.
"""

from __future__ import annotations

from tagtui.providers.openshift.provider import OpenShiftProvider, create_provider

__all__ = ["OpenShiftProvider", "create_provider"]
