"""The experiment pipeline: config, stages, executors (local, Ray).

`metacompress.pipeline.runner.run_experiment` runs one experiment end to end; the run directory
it writes (layout, tables, resume checks, exports) belongs to `metacompress.rundir`.
"""
