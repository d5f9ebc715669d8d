"""Pure functions on numpy arrays: metrics, divergences, calibration, bootstrap, tests, CKA."""
