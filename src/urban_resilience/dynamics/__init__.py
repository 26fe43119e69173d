"""Spatio-temporal dynamics of the scores: Markov chains of tiers, convergence, hot spots (issue 24)."""
