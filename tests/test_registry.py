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


def test_concurrent_first_lookups_wait_for_the_providers(tmp_path, monkeypatch):
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
        "REG = Registry('thing', providers=('slow_provider_for_registry_test',))\n"
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
