"""The public site: server-rendered, bilingual pages over published data only.

Views parse the query with the API's FilterSet and read through the public
selectors, so the site shows exactly what anonymous API readers see.
"""
