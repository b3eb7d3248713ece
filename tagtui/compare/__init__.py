"""Comparing two tags, without Textual: ``tagtui diff`` and the TUI's compare view both use it.

``load_comparison(provider, Ref(repo, "v1"), Ref(repo, "v2"))`` fetches both sides (one provider:
the same or different repositories of one registry) and returns a ``Comparison``; ``compare``
does the comparing on model objects alone (``Side.of(detail, image, platform)``).
"""

from tagtui.compare.engine import compare, compare_config, compare_history, compare_layers
from tagtui.compare.load import Ref, load_comparison, load_side, platform_choices
from tagtui.compare.model import Comparison, ConfigChange, HistoryComparison, LayerComparison, Side

__all__ = [
    "Comparison",
    "ConfigChange",
    "HistoryComparison",
    "LayerComparison",
    "Ref",
    "Side",
    "compare",
    "compare_config",
    "compare_history",
    "compare_layers",
    "load_comparison",
    "load_side",
    "platform_choices",
]
