"""Orchestration above the pipeline and distillation: whole workflows in one call.

- `demo`: generate synthetic data, train a teacher, distil a student, run MetaCompress on them.
"""
