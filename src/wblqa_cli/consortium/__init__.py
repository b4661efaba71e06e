"""Collaborative arrangements (consortia): the file, its checks, advice, diff and commands."""
