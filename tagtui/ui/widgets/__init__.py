"""Widgets of the main screen: virtual lists, the tag tree, the detail panel, the header."""
