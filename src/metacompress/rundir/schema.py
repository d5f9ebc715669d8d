"""The tables of run.sqlite: their SQL and what every column holds.

Tables of run.sqlite (SQL types; JSON columns hold UTF-8 JSON text):

- ``meta(key TEXT PK, value TEXT)``: ``format_version``, ``config_sha256`` (the config's
  `RunConfig.result_hash`), ``fingerprint:teacher`` / ``fingerprint:student``, ``data`` (JSON:
  loader format, valid rows, skipped and flagged counts per reason), and ``done:STAGE`` = '1'
  for each finished stage: ``load``, ``variants:FOLLOWUP`` (attacks included),
  ``inference:MODEL``, ``relations:FOLLOWUP`` (``source`` and each follow-up), ``relations:all``
  (set-level relations on the pooled follow-ups), ``aggregate``.
- ``examples(example_id TEXT PK, position INTEGER, label INTEGER NULL, inputs JSON list of code
  strings, meta JSON)``: the loaded examples in data order.
- ``followups(name TEXT PK, position INTEGER, kind TEXT, victim TEXT NULL, spec JSON)``: kind is
  ``source`` (the unmodified input, always present, name ``source``), ``transform`` or
  ``attack``; victim is ``teacher``/``student`` for attacks (the model the attack searched
  against; the adversarial input is then scored by both models, so the other model's output is
  the transferred one).
- ``relations(relation TEXT PK, position INTEGER, name TEXT, params JSON)``: ``relation`` is the
  id used in every other table (the registry name unless the config gives ``id``), ``name`` the
  registry name and ``params`` its constructor parameters, so
  ``RELATIONS.create(name, **params).holds_at(score, t)`` recomputes verdicts at threshold t.
- ``variants(variant_id TEXT PK, example_id TEXT, followup TEXT, status TEXT, reason TEXT,
  seed INTEGER, steps JSON, edits JSON, inputs JSON NULL, input_key TEXT NULL)``: one row
  per (example, follow-up) unit of work; ``variant_id = EXAMPLE_ID/FOLLOWUP``; status is
  ``ok`` (inputs made), ``not-applicable`` (the transformation does not apply, or the attack
  failed or skipped the example; reason says why), ``error`` (the transformation or attack
  raised; reason holds the exception) or ``timeout`` (exceeded the per-input time limit).
  ``inputs`` is the follow-up's JSON list of code strings (the example's own inputs for
  ``source``); ``steps[j]`` lists the step names applied to input j and ``edits[j][s]`` the
  edits ``{start, end, replacement}`` of step s to input j, in byte offsets of that step's input
  text (input j of the source for step 0; an attack has one step with all its edits); both are
  ``[]`` per untouched input. ``seed`` is the unit's seed; ``input_key`` is
  `metacompress.hashing.input_key(inputs)`, the key of ``outputs``.
- ``outputs(model TEXT, input_key TEXT, p_negative REAL NULL, p_positive REAL NULL,
  predicted INTEGER NULL, truncated INTEGER NULL, hidden BLOB NULL, status TEXT, reason TEXT,
  visible_chars JSON NULL, PK(model, input_key))``: one row per model (``teacher``/``student``)
  and unique input; status
  ``ok`` or ``error`` (reason holds the exception); the two class probabilities exactly as the
  model returned them; predicted = argmax with ties to class 0 (`stats.metrics`), i.e. 1 iff
  p_positive > p_negative; truncated is 1/0, NULL when the model does not say; hidden is the
  pooled representation as little-endian float32 (only when a relation needs it);
  visible_chars lists, per input, how many leading characters the model saw (NULL when the
  model has no window): an edit starting at or after that character is invisible to it.
- ``verdicts(variant_id TEXT, relation TEXT, example_id TEXT, followup TEXT, applicable INTEGER,
  holds INTEGER, score REAL NULL, reason TEXT, details JSON, PK(variant_id, relation))``: one
  row per input-level relation and evaluated (source, follow-up) pair; a pair the relation does
  not apply to has applicable = 0, holds = 1 (vacuous), score NULL and the reason; a violation
  is applicable = 1 and holds = 0; details holds the relation's extra per-pair numbers.
- ``set_level(relation TEXT, followup TEXT, key TEXT, value REAL NULL, PK(relation, followup,
  key))``: the data-set level numbers a relation reports on a follow-up set (e.g. the ECE
  difference, flip rates); a set-level relation (e.g. representation drift) has its verdict
  here (keys ``applicable``, ``score``, ``holds``) and no ``verdicts`` rows; followup ``all``
  holds the set-level relations judged on every follow-up pooled. NaN is stored as NULL.
- ``rates(relation TEXT, followup TEXT, pair TEXT, applicable INTEGER, violations INTEGER,
  rate REAL NULL, low REAL NULL, high REAL NULL, PK(relation, followup, pair))``: violation
  rate (violations / applicable, NULL when nothing applies) with its bootstrap interval (the
  config's confidence, 95 % by default; clustered by example; NULL for set-level relations);
  followup ``all`` pools every follow-up but ``source``; pair is ``teacher/student``.
- ``scores(model TEXT, followup TEXT, n INTEGER, labelled INTEGER, accuracy REAL NULL,
  f1 REAL NULL, PK(model, followup))``: accuracy and F1 of each model on each follow-up set
  (``source`` = clean scores; ``all`` pools every follow-up but ``source``).
- ``mcnemar(followup TEXT PK, n INTEGER, teacher_only INTEGER, student_only INTEGER,
  statistic REAL NULL, p_value REAL NULL)``: exact McNemar test of teacher vs student
  correctness on the labelled inputs of one follow-up set (teacher_only = teacher right and
  student wrong); p_value = 1 with no discordant pair.
- ``errors(stage TEXT, example_id TEXT, followup TEXT, model TEXT, kind TEXT, reason TEXT,
  PK(stage, example_id, followup, model))``: every input that was skipped or failed, with why;
  stage is ``data`` (example_id = FILE:LINE of the bad row), ``variants``, ``attack``,
  ``inference`` or ``relations``; ``''`` where a column does not apply.
- ``attack_results(example_id TEXT, followup TEXT, victim TEXT, status TEXT, reason TEXT,
  queries INTEGER, identifiers_changed INTEGER, original_p_positive REAL NULL,
  final_p_positive REAL NULL, PK(example_id, followup))``.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS examples (
  example_id TEXT PRIMARY KEY, position INTEGER NOT NULL, label INTEGER,
  inputs TEXT NOT NULL, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS followups (
  name TEXT PRIMARY KEY, position INTEGER NOT NULL, kind TEXT NOT NULL, victim TEXT,
  spec TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS relations (
  relation TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL,
  params TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
  variant_id TEXT PRIMARY KEY, example_id TEXT NOT NULL, followup TEXT NOT NULL,
  status TEXT NOT NULL, reason TEXT NOT NULL, seed INTEGER, steps TEXT NOT NULL,
  edits TEXT NOT NULL, inputs TEXT, input_key TEXT);
CREATE INDEX IF NOT EXISTS variants_by_followup ON variants (followup, example_id);
CREATE TABLE IF NOT EXISTS outputs (
  model TEXT NOT NULL, input_key TEXT NOT NULL, p_negative REAL, p_positive REAL,
  predicted INTEGER, truncated INTEGER, hidden BLOB, status TEXT NOT NULL, reason TEXT NOT NULL,
  visible_chars TEXT, PRIMARY KEY (model, input_key));
CREATE TABLE IF NOT EXISTS verdicts (
  variant_id TEXT NOT NULL, relation TEXT NOT NULL, example_id TEXT NOT NULL,
  followup TEXT NOT NULL, applicable INTEGER NOT NULL, holds INTEGER NOT NULL, score REAL,
  reason TEXT NOT NULL, details TEXT NOT NULL, PRIMARY KEY (variant_id, relation));
CREATE INDEX IF NOT EXISTS verdicts_by_relation ON verdicts (relation, followup);
CREATE TABLE IF NOT EXISTS set_level (
  relation TEXT NOT NULL, followup TEXT NOT NULL, key TEXT NOT NULL, value REAL,
  PRIMARY KEY (relation, followup, key));
CREATE TABLE IF NOT EXISTS rates (
  relation TEXT NOT NULL, followup TEXT NOT NULL, pair TEXT NOT NULL,
  applicable INTEGER NOT NULL, violations INTEGER NOT NULL, rate REAL, low REAL, high REAL,
  PRIMARY KEY (relation, followup, pair));
CREATE TABLE IF NOT EXISTS scores (
  model TEXT NOT NULL, followup TEXT NOT NULL, n INTEGER NOT NULL, labelled INTEGER NOT NULL,
  accuracy REAL, f1 REAL, PRIMARY KEY (model, followup));
CREATE TABLE IF NOT EXISTS mcnemar (
  followup TEXT PRIMARY KEY, n INTEGER NOT NULL, teacher_only INTEGER NOT NULL,
  student_only INTEGER NOT NULL, statistic REAL, p_value REAL);
CREATE TABLE IF NOT EXISTS errors (
  stage TEXT NOT NULL, example_id TEXT NOT NULL, followup TEXT NOT NULL, model TEXT NOT NULL,
  kind TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (stage, example_id, followup, model));
CREATE TABLE IF NOT EXISTS attack_results (
  example_id TEXT NOT NULL, followup TEXT NOT NULL, victim TEXT NOT NULL, status TEXT NOT NULL,
  reason TEXT NOT NULL, queries INTEGER NOT NULL, identifiers_changed INTEGER NOT NULL,
  original_p_positive REAL, final_p_positive REAL, PRIMARY KEY (example_id, followup));
"""
