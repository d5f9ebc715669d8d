from metacompress.report.tables import paper_tables
from metacompress.report.tables.html import charts, comparison_section

from .planted import planted_study


def test_the_comparison_section_has_the_headline_charts_and_tables():
    study = planted_study(n=120, n_boot=30, dataset="<Devign & co>")
    tables = paper_tables([study])
    html = comparison_section(tables)
    assert html.startswith('<section id="comparison">') and html.endswith("</section>")
    assert html.count("<svg") == len(charts(tables)) == 4  # one chart per table and task
    for name in ("effectiveness", "robustness", "metamorphic", "transfer"):
        assert f'id="study-{name}"' in html
    assert "MORPH student" in html
    assert "<Devign" not in html and "&lt;Devign &amp; co&gt;" in html  # data is escaped
    assert html.count("<rect") >= 4 * 4  # grouped bars: four models side by side


def test_the_charts_show_the_tables_rates_in_percent_with_their_intervals():
    study = planted_study(n=120, n_boot=30)
    tables = paper_tables([study])
    accuracy = charts(tables)[0]
    rows = {r["model"]: r for r in tables[0].rows}
    for model, row in rows.items():
        low, high = 100 * row["accuracy_low"], 100 * row["accuracy_high"]
        assert (f"accuracy / {model}: {100 * row['accuracy']:.3f} [{low:.3f}, {high:.3f}]"
                in accuracy)  # fmt: skip
    assert accuracy.count('class="whisker"') == 2 * len(rows)  # accuracy and F1 per model
