"""Helpers every layer may use: dates and periods, names, formatting for people. Nothing here imports another
part of sglogs except ``models`` and ``errors``.
"""
