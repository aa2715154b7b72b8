"""Source documents and the text analysis that reads them (no dependency on timeline)."""
