"""Local OCI image layouts and ``docker save`` archives (``LayoutProvider``)."""

from tagtui.providers.layout.provider import LayoutProvider

__all__ = ["LayoutProvider"]
