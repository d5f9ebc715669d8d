"""The experiment pipeline: config, stages, run directory and resume, executors.

`metacompress.pipeline.runner.run_experiment` runs one experiment end to end; the layout of the
run directory it writes, and the schema of its tables, are documented in
`metacompress.pipeline.store`.
"""
