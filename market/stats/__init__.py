"""Organiser statistics: cashless adoption per market, commune and province, and order
volume per cooperative.

The dashboard reads rollup tables only: ``MarketDailyFacts`` and ``AgentDailyOnboarding``
(here) and ``ocop_catalog.CooperativeDailyVolume`` (from the payments work). Each is
recomputed for a whole day from the raw records, never incremented (``rollup``), so a
rebuild is idempotent and late events are one more rebuild.
"""
