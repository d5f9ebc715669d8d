"""Architecture searches: search spaces, z3 pruning, surrogates and the evolutionary algorithms.

`space` (genes, repair), `constraints` (AVATAR's SMT pruning), `surrogate` (Bayesian ridge,
gradient boosting), `ga` (Compressor's genetic algorithm), `moga` (AVATAR's multi-objective
search) and `agemoea` (MORPH's many-objective algorithm for pymoo).
"""
