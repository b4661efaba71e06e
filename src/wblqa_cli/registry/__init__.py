"""Centres and programmes: who delivers what, the facts every other concern reads."""
