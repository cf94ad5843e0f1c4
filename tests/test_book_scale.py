"""The book at scale: an incremental build re-reads only what changed, and rewrites exactly
the pages whose sidebar shows something new (collapsed navigation by region and
municipality)."""

import shutil

from conftest import reportbook, write_csv

PERIOD = "2016-02-01:2016-08-01"
IV = "person_id,municipality,target_group,measure,step,start_date,end_date,monthly_cost\n"
# 851 Aalborg and 860 Hjørring are in Region Nordjylland, 101 København in Region Hovedstaden
ROWS = "".join(
    f"{i:02d}0190-{4000 + 2 * i:04d},{m},udsat,a,{1 + i % 6},2015-01-01,,1000\n"
    for i in range(1, 13)
    for m in (851, 860, 101)
)


def run_id(code):
    return f"{code}_{PERIOD.replace(':', '_')}"


def stamps(root):
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.suffix in (".html", ".doctree")}


def test_adding_a_municipality_rereads_its_pages_only_and_rewrites_the_sidebars_that_show_it(project_copy, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(project_copy, home, ignore=shutil.ignore_patterns("reports", "_build", "synthetic"))
    data = write_csv(tmp_path / "data" / "interventions.csv", IV + ROWS).parent
    env = {"REPORTBOOK_HOME": str(home), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = ["run", "--data", data, "--period", PERIOD, "--notebook", "staircase", "--jobs", "2"]
    reportbook(*run, "--municipality", "851", "--municipality", "101", env=env, check=True)
    reportbook("build", "--data", data, env=env, check=True)
    html, doctrees = home / "_build" / "html", home / "_build" / ".doctrees"
    before = stamps(home / "_build")

    reportbook(*run, "--municipality", "860", env=env, check=True)
    reportbook("build", "--data", data, env=env, check=True)  # (times: benchmarks/book.py)
    after = stamps(home / "_build")

    def page(name):
        return html / "book" / name

    def doctree(name):
        return doctrees / "book" / name

    new = page(f"reports/staircase/{run_id(860)}.html")
    assert new.exists() and (html / "book" / "kommuner" / "860.html").exists()
    same_region, other_region = (
        page(f"reports/staircase/{run_id(851)}.html"),
        page(f"reports/staircase/{run_id(101)}.html"),
    )
    # not read again ...
    for name in (f"reports/staircase/{run_id(851)}.doctree", f"reports/staircase/{run_id(101)}.doctree"):
        assert after[doctree(name)] == before[doctree(name)], name
    # ... but Aalborg's page is written again: its sidebar now lists Hjørring
    assert after[same_region] != before[same_region]
    assert "kommuner/860.html" in same_region.read_text(encoding="utf-8")
    # København's page (another region) and the method page are left as they were
    assert after[other_region] == before[other_region]
    assert "kommuner/860.html" not in other_region.read_text(encoding="utf-8")
    assert after[page("data_and_method.html")] == before[page("data_and_method.html")]
