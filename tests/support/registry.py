"""Fixtures that run Debian's docker-registry (distribution 2.8) on loopback. (Being written.)"""
