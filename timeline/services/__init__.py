"""Business rules of the timeline: every write that carries a rule lives here.

Views, serializers, admin classes and commands only call these functions.
"""
