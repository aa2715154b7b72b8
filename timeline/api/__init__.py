"""The REST API for consumers of the published timeline (DRF + django-filter).

Filters, serializers, views, renderers (exports) and pagination live in their
own modules, as django-filter keeps its DRF integration apart.
"""
