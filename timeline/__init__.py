"""The timeline of dated, source-linked events."""
