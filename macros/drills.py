"""（编写中）"""
from __future__ import annotations


def register(env, root) -> None:
    pass
