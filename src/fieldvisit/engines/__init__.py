"""Pure computation engines: no Django, no clock, no I/O beyond what a caller hands in.

Inputs and outputs are frozen dataclasses; money is ``Decimal``, rounded by
:mod:`fieldvisit.engines.money`.
"""
