"""Source documents and the text analysis that reads them.

Never imports the timeline app: the dependency runs timeline -> corpus only.
"""
