"""Text analysis of news articles: dates, amounts, headers and candidate events.

A pure library (no Django imports): functions in, dataclasses out.
"""
