"""The curators' and editors' admin: events with their workflow, and the catalog.

Admin classes stay thin: every write with a rule goes through
timeline.services (events, review); reads with a plan through timeline.selectors.
"""

from timeline.admin import catalog, documents, events  # noqa: F401 — registers
