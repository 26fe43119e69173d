"""The words every stage shares: the five dimensions, the six measures, the five tiers and their bounds.

Notation (as in ``docs/method.md``): a city's total score :math:`U_{it}` is graded against a
reference mean :math:`\\bar U_t` by its relative deviation :math:`d_{it} = U_{it} / \\bar U_t - 1`.

- ``DIMENSIONS``: the five dimensions of the index, in the order of every table and figure.
- ``MEASURES``: the five dimension scores and the total.
- ``TIERS``: the tier names from lowest to highest.
- ``TIER_BOUNDS``: the deviations that separate them: low d ≤ −0.3, lower-middle −0.3 < d < −0.1,
  middle −0.1 ≤ d < 0.1, upper-middle 0.1 ≤ d < 0.3, high d ≥ 0.3.
- ``DDOF``: standard deviations across cities are sample standard deviations (ddof 1).

This module imports nothing: every stage may import it, and it learns nothing from them.
"""

DIMENSIONS = ("economic", "ecological", "social", "infrastructure", "institutional")
MEASURES = (*DIMENSIONS, "total")
TIERS = ("low", "lower-middle", "middle", "upper-middle", "high")
TIER_BOUNDS = (-0.3, -0.1, 0.1, 0.3)
DDOF = 1
