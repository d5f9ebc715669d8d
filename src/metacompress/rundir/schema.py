"""The tables of run.sqlite: their SQL and what every column holds.

Tables of run.sqlite (SQL types; JSON columns hold UTF-8 JSON text). A run has one teacher
(model ``teacher``) and one or more students, each under its name (``student`` for the one
student of ``student:``); a *pair* is the teacher with one student, and the tables of
relations and their numbers name the pair's student.

- ``models(name TEXT PK, position INTEGER, role TEXT, method TEXT, seed INTEGER NULL, spec
  JSON, info JSON)``: the teacher (position 0, role ``teacher``) and the students in config
  order (role ``student``); method and seed as the config gives them (method defaults to the
  name); info holds the model's description, its fingerprint, its size (``size``:
  parameters, size_mb, source) and its speed measured in the run (``speed``: latency_ms,
  throughput, inputs), see `metacompress.pipeline.model_facts`.

- ``meta(key TEXT PK, value TEXT)``: ``format_version``, ``config_sha256`` (the config's
  `RunConfig.result_hash`), ``fingerprint:MODEL`` of every model, ``data`` (JSON:
  loader format, valid rows, skipped and flagged counts per reason), and ``done:STAGE`` = '1'
  for each finished stage: ``load``, ``variants:FOLLOWUP`` (attacks included),
  ``inference:MODEL``, ``relations:FOLLOWUP`` (``source``, each follow-up, and each pool:
  set-level relations on the pooled follow-ups; every pair), ``aggregate``,
  ``facts:MODEL`` (size and speed measured).
- ``examples(example_id TEXT PK, position INTEGER, label INTEGER NULL, inputs JSON list of code
  strings, meta JSON)``: the loaded examples in data order.
- ``followups(name TEXT PK, position INTEGER, kind TEXT, victim TEXT NULL, spec JSON)``: kind is
  ``source`` (the unmodified input, always present, name ``source``), ``transform``,
  ``attack`` or ``search`` (a deviation search asking the teacher and a student); victim is the
  model an attack searched against (the adversarial input is then scored by every model, so the
  other models' outputs are the transferred ones), and for a search the student it asked (NULL
  in a run of one pair).
- ``relations(relation TEXT PK, position INTEGER, name TEXT, params JSON)``: ``relation`` is the
  id used in every other table (the registry name unless the config gives ``id``), ``name`` the
  registry name and ``params`` its constructor parameters, so
  ``RELATIONS.create(name, **params).holds_at(score, t)`` recomputes verdicts at threshold t.
- ``variants(variant_id TEXT PK, example_id TEXT, followup TEXT, status TEXT, reason TEXT,
  seed INTEGER, steps JSON, edits JSON, inputs JSON NULL, input_key TEXT NULL)``: one row
  per (example, follow-up) unit of work; ``variant_id = EXAMPLE_ID/FOLLOWUP``; status is
  ``ok`` (inputs made; for an attack the adversarial input on success and the final input
  reached on failure, whose success flag is ``attack_results.status``, exported as the
  ``attack_success`` column of tables/variants), ``not-applicable`` (the transformation does
  not apply, or the attack skipped the example; reason says why), ``error`` (the
  transformation or attack raised; reason holds the exception) or ``timeout`` (exceeded the
  per-input time limit).
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
  holds INTEGER, score REAL NULL, reason TEXT, details JSON, student TEXT, PK(variant_id,
  relation, student))``: one row per input-level relation, evaluated (source, follow-up) pair
  and teacher-student pair (named by its student); a pair the relation does
  not apply to has applicable = 0, holds = 1 (vacuous), score NULL and the reason; a violation
  is applicable = 1 and holds = 0; details holds the relation's extra per-pair numbers.
- ``set_level(relation TEXT, followup TEXT, key TEXT, value REAL NULL, student TEXT,
  PK(relation, followup, student, key))``: per teacher-student pair, the data-set level numbers a relation reports on a follow-up set (e.g. mean
  divergences, flip rates); a set-level relation (ECE gap, representation drift) has its
  verdict here (keys ``applicable``, ``score``, ``holds``) and no ``verdicts`` rows; the pools
  (``transformations``, ``attacks``, ``all``) hold the set-level relations judged on their
  follow-ups pooled. NaN is stored as NULL.
- ``rates(relation TEXT, followup TEXT, pair TEXT, level TEXT, n_pairs INTEGER,
  n_examples INTEGER, applicable INTEGER, violations INTEGER, rate REAL NULL, low REAL NULL,
  high REAL NULL, method TEXT, source_rate REAL NULL, induced_applicable INTEGER,
  induced_violations INTEGER, induced REAL NULL, induced_low REAL NULL, induced_high REAL
  NULL, induced_method TEXT, difference REAL NULL, difference_low REAL NULL, difference_high
  REAL NULL, difference_method TEXT, value REAL NULL, value_low REAL NULL, value_high REAL
  NULL, holds INTEGER NULL, reason TEXT, PK(relation, followup, pair))``: one row per relation
  (and ``any-paper-relation``) and set: ``source``, each follow-up, and the pools
  ``transformations``, ``attacks``, ``all``; pair is ``teacher/STUDENT``. Definitions in
  docs/relations.md and `metacompress.relations.rates`. Level ``input``: the violation rate
  (violations / applicable pairs) with its interval and how it was made (``method``
  ``bootstrap`` or ``clopper-pearson``); on follow-up sets also the source rate on the same
  pairs, the induced rate (violations among the pairs whose source pair holds) and the
  difference rate - source rate with their intervals. Level ``set``: ``value`` (the set's
  score) with its bootstrap interval and ``holds`` (1/0); the rate columns stay NULL.
  ``reason`` says why a rate or value is NULL (nothing applicable), '' otherwise. Intervals at
  the config's confidence (95 % by default), resampling examples.
- ``scores(model TEXT, followup TEXT, n INTEGER, labelled INTEGER, accuracy REAL NULL,
  f1 REAL NULL, PK(model, followup))``: accuracy and F1 of each model on each follow-up set
  (``source`` = clean scores) and pool.
- ``mcnemar(followup TEXT, test TEXT, n INTEGER, clusters INTEGER, teacher_only INTEGER,
  student_only INTEGER, statistic REAL NULL, p_value REAL NULL, student TEXT, PK(followup,
  student))``: teacher vs student
  correctness on the labelled inputs of one set (teacher_only = teacher right and student
  wrong); test ``exact`` (McNemar, one pair per example: the source and each follow-up set;
  statistic = min(b, c), p = 1 with no discordant pair) or ``obuchowski`` (the pools, several
  pairs per example: clustered by example, statistic = chi-square with 1 df).
- ``robustness(followup TEXT PK, attack TEXT, victim TEXT, metric TEXT, examples INTEGER,
  labelled INTEGER, correct INTEGER, attacked INTEGER, succeeded INTEGER, failed INTEGER,
  no_identifier INTEGER, errors INTEGER, not_attacked_other INTEGER, success_rate,
  success_rate_low, success_rate_high, clean, clean_low, clean_high, adversarial,
  adversarial_low, adversarial_high, relative_drop, relative_drop_low, relative_drop_high,
  mean_queries REAL NULL)``: one row per attack follow-up, the numbers of
  `metacompress.attacks.summary` (success rate over the examples the victim got right; clean
  and adversarial accuracy or F1 over the labelled examples) with bootstrap intervals.
- ``robustness_gaps(attack TEXT, teacher_followup TEXT, student_followup TEXT,
  drop_increase REAL NULL, drop_increase_low, drop_increase_high, drop_ratio REAL NULL,
  drop_ratio_low, drop_ratio_high, PK(attack, student_followup))``: per attack run against
  the teacher and a student, the student's
  relative drop against the teacher's: 100 (d_S - d_T) / d_T and d_S / d_T, paired intervals.
- ``errors(stage TEXT, example_id TEXT, followup TEXT, model TEXT, kind TEXT, reason TEXT,
  PK(stage, example_id, followup, model))``: every input that was skipped or failed, with why;
  stage is ``data`` (example_id = FILE:LINE of the bad row), ``variants``, ``attack``,
  ``inference`` or ``relations``; ``''`` where a column does not apply.
- ``attack_results(example_id TEXT, followup TEXT, victim TEXT, status TEXT, reason TEXT,
  queries INTEGER, identifiers_changed INTEGER, original_p_positive REAL NULL,
  final_p_positive REAL NULL, PK(example_id, followup))``: the attack's own record per example
  (`metacompress.attacks.base.AttackResult`): status success / failed / skipped with the
  reason, queries spent, and the victim's P(positive) on the original and final input.
- ``search_results(example_id TEXT, followup TEXT, status TEXT, reason TEXT, queries INTEGER,
  PK(example_id, followup))``: a deviation search's own record per example
  (`metacompress.attacks.deviation.DeviationResult`): status success (a triggering input: the
  models' argmax differ on the follow-up while they agreed on the source) / failed / skipped
  with the reason, and the queries spent (inputs scored by both models, the source included).
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS models (
  name TEXT PRIMARY KEY, position INTEGER NOT NULL, role TEXT NOT NULL, method TEXT NOT NULL,
  seed INTEGER, spec TEXT NOT NULL, info TEXT NOT NULL);
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
  reason TEXT NOT NULL, details TEXT NOT NULL, student TEXT NOT NULL,
  PRIMARY KEY (variant_id, relation, student));
CREATE INDEX IF NOT EXISTS verdicts_by_relation ON verdicts (relation, student, followup);
CREATE TABLE IF NOT EXISTS set_level (
  relation TEXT NOT NULL, followup TEXT NOT NULL, key TEXT NOT NULL, value REAL,
  student TEXT NOT NULL, PRIMARY KEY (relation, followup, student, key));
CREATE TABLE IF NOT EXISTS rates (
  relation TEXT NOT NULL, followup TEXT NOT NULL, pair TEXT NOT NULL, level TEXT NOT NULL,
  n_pairs INTEGER NOT NULL, n_examples INTEGER NOT NULL, applicable INTEGER NOT NULL,
  violations INTEGER NOT NULL, rate REAL, low REAL, high REAL, method TEXT NOT NULL,
  source_rate REAL, induced_applicable INTEGER NOT NULL, induced_violations INTEGER NOT NULL,
  induced REAL, induced_low REAL, induced_high REAL, induced_method TEXT NOT NULL,
  difference REAL, difference_low REAL, difference_high REAL, difference_method TEXT NOT NULL,
  value REAL, value_low REAL, value_high REAL, holds INTEGER, reason TEXT NOT NULL,
  PRIMARY KEY (relation, followup, pair));
CREATE TABLE IF NOT EXISTS scores (
  model TEXT NOT NULL, followup TEXT NOT NULL, n INTEGER NOT NULL, labelled INTEGER NOT NULL,
  accuracy REAL, f1 REAL, PRIMARY KEY (model, followup));
CREATE TABLE IF NOT EXISTS mcnemar (
  followup TEXT NOT NULL, test TEXT NOT NULL, n INTEGER NOT NULL, clusters INTEGER NOT NULL,
  teacher_only INTEGER NOT NULL, student_only INTEGER NOT NULL, statistic REAL, p_value REAL,
  student TEXT NOT NULL, PRIMARY KEY (followup, student));
CREATE TABLE IF NOT EXISTS robustness (
  followup TEXT PRIMARY KEY, attack TEXT NOT NULL, victim TEXT NOT NULL, metric TEXT NOT NULL,
  examples INTEGER NOT NULL, labelled INTEGER NOT NULL, correct INTEGER NOT NULL,
  attacked INTEGER NOT NULL, succeeded INTEGER NOT NULL, failed INTEGER NOT NULL,
  no_identifier INTEGER NOT NULL, errors INTEGER NOT NULL, not_attacked_other INTEGER NOT NULL,
  success_rate REAL, success_rate_low REAL, success_rate_high REAL,
  clean REAL, clean_low REAL, clean_high REAL, adversarial REAL, adversarial_low REAL,
  adversarial_high REAL, relative_drop REAL, relative_drop_low REAL, relative_drop_high REAL,
  mean_queries REAL);
CREATE TABLE IF NOT EXISTS robustness_gaps (
  attack TEXT NOT NULL, teacher_followup TEXT NOT NULL, student_followup TEXT NOT NULL,
  drop_increase REAL, drop_increase_low REAL, drop_increase_high REAL,
  drop_ratio REAL, drop_ratio_low REAL, drop_ratio_high REAL,
  PRIMARY KEY (attack, student_followup));
CREATE TABLE IF NOT EXISTS errors (
  stage TEXT NOT NULL, example_id TEXT NOT NULL, followup TEXT NOT NULL, model TEXT NOT NULL,
  kind TEXT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (stage, example_id, followup, model));
CREATE TABLE IF NOT EXISTS attack_results (
  example_id TEXT NOT NULL, followup TEXT NOT NULL, victim TEXT NOT NULL, status TEXT NOT NULL,
  reason TEXT NOT NULL, queries INTEGER NOT NULL, identifiers_changed INTEGER NOT NULL,
  original_p_positive REAL, final_p_positive REAL, PRIMARY KEY (example_id, followup));
CREATE TABLE IF NOT EXISTS search_results (
  example_id TEXT NOT NULL, followup TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,
  queries INTEGER NOT NULL, PRIMARY KEY (example_id, followup));
"""
