"""`metacompress.transform`: one transformation by name, applied or refused with a reason."""

from metacompress.workflows.transform import transform


def test_a_transformation_by_name_applies_or_says_why_not():
    applied = transform("int f(int a) { int x = a; return x; }", "rename-locals", "c", seed=1)
    assert applied.applicable and "int x" not in applied.code
    refused = transform("int f(void) { return 0; }", "for-to-while", "c")
    assert not refused.applicable and refused.reason
