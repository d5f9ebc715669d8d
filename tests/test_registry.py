from dataclasses import dataclass

import pytest

from metacompress.errors import ConfigError
from metacompress.registry import Registry, check_choice, check_range, get_params


def test_register_create_and_round_trip():
    registry: Registry = Registry("widget")

    @registry.register("square", "squares a number")
    @dataclass(frozen=True)
    class Square:
        power: int = 2

        def __post_init__(self):
            check_range("power", self.power, 1, 4)

    assert registry.names() == ["square"]
    widget = registry.create("square", power=3)
    assert type(widget)(**get_params(widget)) == widget
    assert registry.entry("square").description == "squares a number"
    with pytest.raises(ConfigError, match="no parameter 'colour'"):
        registry.create("square", colour=1)
    with pytest.raises(ConfigError, match=r"power must be in \[1, 4\], got 9"):
        registry.create("square", power=9)
    with pytest.raises(ConfigError, match=r"widget 'square': power must be an integer, got 2.5"):
        registry.create("square", power=2.5)  # a count given as a float: refused, not rounded
    with pytest.raises(ConfigError, match="unknown widget 'circle'; expected one of: square"):
        registry.get("circle")


def test_checks_name_expected_and_received():
    with pytest.raises(ConfigError, match="must be a number, got 'x'"):
        check_range("tau", "x", 0, 1)
    for value in (float("nan"), float("inf"), float("-inf")):  # NaN passes every comparison
        with pytest.raises(ConfigError, match=f"tau must be a finite number, got {value!r}"):
            check_range("tau", value, 0)
    check_range("tau", 10**400, 0)  # a huge integer is finite
    with pytest.raises(ConfigError, match=r"kind must be one of \['a', 'b'\], got 'c'"):
        check_choice("kind", "c", ["a", "b"])


def test_concurrent_first_lookups_wait_for_the_packages(tmp_path, monkeypatch):
    import sys
    import threading

    module = tmp_path / "slow_provider_for_registry_test.py"
    module.write_text(
        "import time\n"
        "from tests_registry_target import REG\n"
        "time.sleep(0.3)\n"
        "class Late:\n"
        "    pass\n"
        "REG.register('late', 'registered after a pause')(Late)\n"
    )
    target = tmp_path / "tests_registry_target.py"
    target.write_text(
        "from metacompress.registry import Registry\n"
        "REG = Registry('thing', packages=('slow_provider_for_registry_test',))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    from tests_registry_target import REG

    seen: list[list[str]] = []
    threads = [threading.Thread(target=lambda: seen.append(REG.names())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [["late"]] * 4
    sys.modules.pop("slow_provider_for_registry_test", None)
    sys.modules.pop("tests_registry_target", None)


PLUGIN = '''
"""A third-party transformation: a leading comment."""

from dataclasses import dataclass

from metacompress.code.edits import Edit
from metacompress.code.transform import Transformation, transform


@transform("plugin-leading-comment", ("c", "java"), "a comment before the code (a plugin)")
@dataclass(frozen=True)
class LeadingComment(Transformation):
    text: str = "from a plugin"

    def _edits(self, parsed, rng):
        return [Edit(0, 0, f"/* {self.text} */\\n")]
'''

PLUGIN_PROJECT = """
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "mc-plugin-demo"
version = "0.1"

[project.entry-points."metacompress.plugins"]
demo = "mc_plugin_demo"
"""

PLUGIN_MODELS = """
import numpy as np


def model(batch):
    p = np.array([min(0.9, 0.1 + len(x[0]) / 400) for x in batch])
    return np.stack([1 - p, p], axis=1)
"""


def test_a_plugin_distribution_is_listed_and_used_in_a_run(tmp_path):
    """A distribution built here, installed into a folder of its own, adds a transformation
    that `metacompress list` shows and a run applies (in subprocesses: the test process's
    registries stay as they are)."""
    import json
    import os
    import re
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    import metacompress

    project = tmp_path / "plugin"
    (project / "mc_plugin_demo").mkdir(parents=True)
    (project / "mc_plugin_demo" / "__init__.py").write_text(PLUGIN)
    (project / "pyproject.toml").write_text(PLUGIN_PROJECT)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--target", str(site), str(project)],
        check=True, capture_output=True,
    )  # fmt: skip
    source = Path(metacompress.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(source), str(tmp_path)])}

    def metacompress_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "metacompress", "--quiet", *args],
                              env=env, capture_output=True, text=True, cwd=tmp_path)  # fmt: skip

    listed = metacompress_cli("list", "transforms")
    assert listed.returncode == 0, listed.stderr
    line = r"^plugin-leading-comment +\[c,java\]  a comment before the code \(a plugin\)$"
    assert re.search(line, listed.stdout, re.MULTILINE)

    (tmp_path / "plugin_models.py").write_text(PLUGIN_MODELS)
    (tmp_path / "model.yaml").write_text("format: callable\nfunction: plugin_models:model\n")
    rows = [{"idx": i, "func": f"int f{i}(int a) {{ return a + {i}; }}", "target": i % 2}
            for i in range(4)]  # fmt: skip
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = {
        "task": "vulnerability", "data": {"path": "data.jsonl"}, "teacher": "model.yaml",
        "student": "model.yaml", "trust_remote_code": True, "report": [],
        "followups": [{"transform": "plugin-leading-comment", "params": {"text": "hello"}}],
        "relations": ["prediction-agreement"], "statistics": {"bootstrap": 10},
    }  # fmt: skip
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(config))
    ran = metacompress_cli("run", "exp.yaml", "--out", "run")
    assert ran.returncode == 0, ran.stderr
    with sqlite3.connect(tmp_path / "run" / "run.sqlite") as db:
        made = db.execute(
            "SELECT status, inputs FROM variants WHERE followup = 'plugin-leading-comment'"
        ).fetchall()
    assert len(made) == 4
    assert all(s == "ok" and json.loads(x)[0].startswith("/* hello */\n") for s, x in made)


def test_a_broken_plugin_is_a_warning_that_names_it(monkeypatch):
    from importlib import metadata

    from metacompress import registry

    point = metadata.EntryPoint("broken", "no_such_module_for_metacompress", registry.PLUGIN_GROUP)
    monkeypatch.setattr(metadata, "entry_points", lambda group: [point])
    monkeypatch.setattr(registry, "_plugins_loaded", set())
    with pytest.warns(UserWarning, match="plugin 'broken' .* failed to load: ModuleNotFoundError"):
        loaded = registry.load_plugins()
    assert loaded == ["broken=no_such_module_for_metacompress"]
    assert registry.load_plugins() == loaded  # tried once, not again
