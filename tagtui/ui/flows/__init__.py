"""Flows: what a user does in several steps (delete a tag, log in), each one worker read top to
bottom — ask, wait for the answer (``push_screen_wait``), act, update — with no callbacks handed
across messages."""

# The worker groups flows run in: while a modal is up, their worker waits for the user.
DELETE_GROUP = "delete"
LOGIN_GROUP = "login"
CLEANUP_GROUP = "cleanup"
COMPARE_GROUP = "compare"
FLOW_GROUPS = frozenset({DELETE_GROUP, LOGIN_GROUP, CLEANUP_GROUP, COMPARE_GROUP})
