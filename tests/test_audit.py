"""The independent audit (``reportbook audit``): it passes on what the book publishes, also
on data made of small cells, and it fails on tables that give a small count away."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import reportbook, write_csv

from helpers.publishing.audit import audit
from helpers.publishing.private import private_root


def write_record(run, record):
    """A run's private record, where the runner keeps it: outside the reports folder."""
    path = private_root(run.parent.parent) / run.parent.name / run.name / "disclosure.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record))


PERIOD = "2016-02-01:2016-08-01"


def adversarial_data(folder, seed=7):
    """A small municipality (Ærø, 492) where almost every breakdown has groups of 1-4:
    five districts, all ages, every step and move, single-case groups; a few case events;
    a budget; and adult cases in three municipalities with 1, 3 and 7 cases."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(46):
        a, b = int(rng.integers(0, 7)), int(rng.integers(0, 7))
        district = ["Nord", "Syd", "Øst", "Vest", "Midt"][i % 5]
        born = f"{1 + i % 28:02d}-{1 + i % 12:02d}-{1996 + i % 21}"
        group = "handicap" if i % 7 == 0 else "udsat"
        common = f"c{i};492;{district};{born};{group}"
        # offers in groups of 1-4 children, foster care (step 5) with fee, supplements, own payment
        offer = f"O{i % 4};Tilbud {'ABCD'[i % 4]}"

        def measure(step):
            return {2: "kontaktperson", 3: "familiebehandling", 5: "plejefamilie"}.get(step, "tiltag")

        def foster(step, i=i):
            return f"{20000 + 100 * i},00;{1000 + i},00;{500 * (i % 3)},00" if step == 5 else ";;"

        if a:
            end = "" if b == a else "15-05-2016"
            lines.append(
                f"{common};{measure(a)};{a};01-01-2015;{end};{1000 * a},00;{['egen', 'privat'][i % 2]};SB{i % 6};"
                f"{offer};{foster(a)}"
            )
        if b and b != a:
            start = "16-05-2016" if a else "01-04-2016"
            lines.append(f"{common};{measure(b)};{b};{start};;{1500 * b},00;egen;SB{i % 6};{offer};{foster(b)}")
        if not a and not b:
            lines.append(f"{common};tiltag;2;01-01-2014;31-12-2014;900,00;egen;SB1;{offer};;;")
    write_csv(
        folder / "interventions.csv",
        "person_id;municipality;district;birth_date;target_group;measure;step;start_date;end_date;monthly_cost;"
        "provider_type;caseworker_id;offer_id;offer_name;fee;supplements;own_payment\n" + "\n".join(lines) + "\n",
    )
    events = [
        f"c{i},492,2016-0{1 + i % 7}-1{i % 9},{t},{o},{d}"
        for i, (t, o, d) in enumerate(
            [
                ("underretning", "", ""),
                ("klage", "medhold", ""),
                ("klage", "hjemvist", ""),
                ("børnefaglig_undersøgelse", "", "ja"),
                ("børnefaglig_undersøgelse", "", "nej"),
                ("ny_sag", "", ""),
                ("underretning", "", ""),
                ("sag_lukket", "", ""),
            ]
        )
    ]
    write_csv(
        folder / "case_events.csv",
        "person_id,municipality,event_date,event_type,outcome,deadline_met\n" + "\n".join(events) + "\n",
    )
    write_csv(
        folder / "budget_assumptions.csv",
        "municipality,year,step,budget_count,budget_unit_cost\n"
        + "".join(f"492,2016,{s},{s}.5,{20000 * s}\n" for s in range(1, 7)),
    )
    rows = []
    for code, n_cases in ((492, 1), (411, 3), (840, 7)):
        for k in range(n_cases):
            for r in (1, 2):
                service = "§107" if (k + r) % 2 else "§85"
                rows.append(
                    {
                        "case_id": f"{code}-{k}",
                        "person_id": f"a{code}{k}",
                        "municipality": code,
                        "registration_no": r,
                        "registration_date": f"2015-0{1 + k % 8}-1{r}" if r == 1 else f"2016-0{2 + k % 5}-1{r}",
                        "service": service,
                        "daily_price": 1500 + 100 * k if service == "§107" else "",
                        "hours_individual": 10 + k if service == "§85" else "",
                        "vum_score": [1, 2, 3, 3.5][k % 4],
                        "goal_set": "ja",
                        "goal_type": ["forbedring", "status quo"][k % 2],
                        "goal_met": ["ja", "nej", "delvist"][k % 3] if r == 2 else "",
                        "birth_date": f"19{60 + k}-01-01",
                        "target_group": ["sindslidelse", "fysisk", "intellektuel/kognitiv"][k % 3],
                        "income_basis": ["førtidspension", "løn"][k % 2],
                        "initiator": "myndighed",
                    }
                )
    pd.DataFrame(rows).to_csv(folder / "adult_registrations.csv", index=False)
    write_csv(
        folder / "district_population.csv",
        "municipality,district,year,population_0_22\n"
        + "".join(f"492,{d},2016,{200 + 10 * k}\n" for k, d in enumerate(["Nord", "Syd", "Øst", "Vest", "Midt"])),
    )
    write_csv(folder / "municipality_figures.csv", "municipality,year,population,population_0_22\n492,2016,6000,1200\n")
    # waiting lists and outcomes in groups of 1-4 (the "Ventelister og resultater" page)
    measures = ["§ 30", "§ 52, stk. 3, nr. 6", "§ 52, stk. 3, nr. 3", "ukendt tiltag"]
    starts = ["2016-03-01", "", "2016-09-01", "2016-02-20"]
    waiting = []
    for i in range(0, 46, 2):
        referral, start = f"2016-0{1 + i % 6}-0{1 + i % 9}", starts[i // 2 % 4]
        waiting.append(f'c{i},492,{referral},{start if start > referral else ""},"{measures[i // 2 % 4]}"')
    write_csv(
        folder / "waiting_list.csv",
        "person_id,municipality,referral_date,start_date,measure\n" + "\n".join(waiting) + "\n",
    )
    outcomes = []
    for i in range(46):
        outcomes.append(f"c{i},492,2016-0{2 + i % 6}-15,school_absence_pct,{(7 * i) % 40}")
        if i % 3:
            outcomes.append(f"c{i},492,2016-02-0{1 + i % 9},function_score,{1 + i % 9}")
            outcomes.append(f"c{i},492,2016-07-0{1 + i % 9},function_score,{1 + (i * 5) % 9}")
    write_csv(
        folder / "child_outcomes.csv", "person_id,municipality,date,indicator,value\n" + "\n".join(outcomes) + "\n"
    )
    return folder


def adversarial_project(project_copy, folder):
    """The adversarial data in ``folder``, the reports folder and the environment of runs on
    them (the project copy, a cache of their own): ``(data, out, env)``."""
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(folder / "cache")}
    return adversarial_data(folder / "data"), folder / "out", env


@pytest.fixture(scope="module")
def adversarial_run(project_copy, tmp_path_factory):
    data, out, env = adversarial_project(project_copy, tmp_path_factory.mktemp("adversarial"))
    for municipality in ("492", "840"):
        reportbook(
            "run",
            "--data",
            data,
            "--out",
            out,
            "--municipality",
            municipality,
            "--period",
            PERIOD,
            "--jobs",
            "2",
            env=env,
            check=True,
        )
    return out


def test_the_audit_passes_on_data_made_of_small_cells(adversarial_run):
    result = reportbook("audit", adversarial_run)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Revisionen er bestået" in result.stdout
    report = audit(adversarial_run)
    # Ærø's children (7 pages: overview, staircase, benchmarking, budget, trends, waiting lists and
    # outcomes, offers), the adults (2 pages x 2)
    assert report.runs == 11 and report.groups == 2  # one period: one system each
    # the waiting list's children and referrals and the outcome pages' children are among the small cells
    small = {i.column for i in report.intervals if i.status == "primary"}
    assert {"children_waiting", "referrals"} <= small
    # ... and so are the offers page's children per district and theme and its foster-care placements
    # (offers of 1-4 children are pooled before protection, so the offer table is audited without any)
    tables = {i.table for i in report.intervals if i.status == "primary"}
    assert {"district_themes", "foster_care"} <= tables, tables
    assert list(adversarial_run.glob("offers/*/offer_prices.csv"))
    assert len([i for i in report.intervals if i.status == "primary"]) > 20  # plenty of small cells to protect
    assert all(i.high - i.low >= 1 for i in report.intervals)


def test_no_published_statistic_rests_on_a_withheld_number(adversarial_run):
    checked = 0
    assert not list(adversarial_run.rglob("disclosure.json"))  # the records are private
    for record_path in private_root(adversarial_run).glob("*/*/disclosure.json"):
        record = json.loads(record_path.read_text())
        folder = adversarial_run / record_path.parent.parent.name / record_path.parent.name
        frames = {t: pd.read_csv(folder / f"{t}.csv") for t in record["tables"]}
        for table, content in record["tables"].items():
            for row, column, _, inputs, base_n in content["statistics"]:
                value = frames[table][column].iloc[row]
                hidden_input = any(
                    pd.isna(frames[t][c].iloc[r]) for t, r, c in inputs if t in frames and c in frames[t].columns
                )
                if hidden_input or (base_n is not None and 0 < base_n < 5):
                    assert pd.isna(value), (folder.name, table, row, column)
                    checked += 1
    assert checked > 20


def test_the_audit_fails_when_a_small_count_can_be_computed(tmp_path):
    # children by district, 3 + 7 + 10 = 20, with only the 3 withheld: 20 - 7 - 10 gives it away
    run = tmp_path / "staircase" / "851_2016-02-01_2016-08-01"
    run.mkdir(parents=True)
    pd.DataFrame({"district": ["A", "B", "C", "I alt"], "children": [None, 7, 10, 20]}).to_csv(
        run / "district.csv", index=False
    )
    cells = [
        [0, "children", "primary", "child:count", [0], True, None],
        [1, "children", "published", "child:count", [1], True, None],
        [2, "children", "published", "child:count", [2], True, None],
        [3, "children", "published", "child:count", [0, 1, 2], True, None],
    ]
    record = {"group": "g", "tables": {"district": {"cells": cells, "statistics": []}}}
    write_record(run, record)
    report = audit(tmp_path, jobs=1)
    assert not report.passed and "district række 2" in report.problems[0]
    assert [(i.low, i.high) for i in report.intervals] == [(3, 3)]
    # withholding 7 as well leaves 3 anywhere between 1 and 9
    pd.DataFrame({"district": ["A", "B", "C", "I alt"], "children": [None, None, 10, 20]}).to_csv(
        run / "district.csv", index=False
    )
    cells[1][2] = "secondary"
    write_record(run, record)
    report = audit(tmp_path, jobs=1)
    assert report.passed and [(i.low, i.high) for i in report.intervals] == [(1, 9)]
    result = reportbook("audit", tmp_path)
    assert result.returncode == 0


def test_the_audit_finds_a_small_count_pinned_by_its_bounds_alone(tmp_path):
    # 1 + 1 + 5 = 7 with 5 and 7 published: a + b = 2 and each at least 1, so both are 1
    run = tmp_path / "benchmarking" / "851_2016-02-01_2016-08-01"
    run.mkdir(parents=True)
    pd.DataFrame({"g": ["a", "b", "c", "I alt"], "n": [None, None, 5, 7]}).to_csv(run / "t.csv", index=False)
    cells = [
        [0, "n", "primary", "child:count", [0], True, None],
        [1, "n", "primary", "child:count", [1], True, None],
        [2, "n", "published", "child:count", [2], True, None],
        [3, "n", "published", "child:count", [0, 1, 2], True, None],
    ]
    write_record(run, {"group": "g", "tables": {"t": {"cells": cells, "statistics": []}}})
    report = audit(tmp_path, jobs=1)
    assert not report.passed and len(report.problems) == 2


def test_the_audit_flags_a_statistic_shown_on_a_withheld_count(tmp_path):
    run = tmp_path / "goal_attainment" / "851_2016-02-01_2016-08-01"
    run.mkdir(parents=True)
    pd.DataFrame({"m": ["a", "b"], "n": [None, 9], "share": [0.5, 0.4]}).to_csv(run / "t.csv", index=False)
    cells = [[0, "n", "primary", "case:count", [0], True, None], [1, "n", "published", "case:count", [1], True, None]]
    stats = [[0, "share", "published", [["t", 0, "n"]], None], [1, "share", "published", [["t", 1, "n"]], None]]
    write_record(run, {"group": "g", "tables": {"t": {"cells": cells, "statistics": stats}}})
    report = audit(tmp_path, jobs=1)
    assert len(report.problems) == 1 and "statistikken er vist" in report.problems[0]


def test_differencing_two_overlapping_periods_is_the_stated_residual_risk(tmp_path):
    """Cell suppression protects what is published together, not two reports of
    overlapping periods: 20 children are placed all along, 6 leave in April, 8 arrive in
    March and one more on 15 July. Each report on its own shows nothing under 5, but
    "placed at the period end" reads 28 on 1 July and 29 on 1 August: their difference is
    the one placement in July. The method page says so."""
    from conftest import ROOT, interventions_frame

    from helpers.publishing.disclosure import protect
    from helpers.publishing.pages import staircase as page
    from helpers.publishing.tables import publish

    rows = [(f"c{i}", 5, "2015-01-01", None) for i in range(20)]
    rows += [(f"e{i}", 5, "2015-01-01", "2016-04-15") for i in range(6)]
    rows += [(f"m{i}", 6, "2016-03-01", None) for i in range(8)] + [("july", 6, "2016-07-15", None)]
    iv = interventions_frame(rows)

    class Report:
        def __init__(self, end):
            self.period_start, self.period_end = pd.Timestamp("2016-02-01"), pd.Timestamp(end)

        def rows(self, table):
            return iv

    placed = []
    for end in ("2016-07-01", "2016-08-01"):
        specs = page.specs(Report(end))
        summary = next(s for s in specs if s.name == "staircase_summary")
        published = publish(summary, tmp_path / end, protect(specs))
        placed.append(published.value(list(published.data["figure"]).index("placed_t1"), "children"))
    assert placed == [28, 29]  # each report on its own shows nothing under 5 ...
    assert placed[1] - placed[0] == 1  # ... but the two together reveal one new placement
    method = (ROOT / "book" / "data_and_method.md").read_text(encoding="utf-8")
    assert "overlappende" in method and "forskellen mellem to viste tal" in method


def test_the_readers_attack_finds_a_month_given_away_by_its_quarter(tmp_path):
    """The issue's example: a quarter (19) printed on the 2014-2016 page, two of its months (8
    and 9) on a half-year page that withholds the third: 19 - 8 - 9 = 2."""
    from attack import attack

    def trends(run, rows):
        folder = tmp_path / "trends" / run
        folder.mkdir(parents=True)
        frame = pd.DataFrame(rows, columns=["date", "figure", "group", "value"])
        frame.insert(0, "municipality", 615)
        frame.to_csv(folder / "trends.csv", index=False)

    trends("615_2014-01-01_2016-12-31", [("2015-09-30", "new_placements", "I alt", 19.0)])
    trends(
        "615_2016-08-01_2017-02-01",
        [("2015-07-31", "new_placements", "I alt", 8.0), ("2015-08-31", "new_placements", "I alt", 9.0)]
        + [("2015-09-30", "new_placements", "I alt", None)],
    )
    found = attack(tmp_path).recovered
    assert [(f[2], f[1], f[5]) for f in found] == [("new_placements", "2015-09-30", 2.0)]
    assert "615_2016-08-01_2017-02-01/trends.csv line 4" in found[0][6]
    # the same stock on two pages: withheld on one, printed on the other
    trends("615_2016-02-01_2016-08-01", [("2016-03-31", "placed_children", "4", None)])
    trends("615_2016-01-01_2016-04-30", [("2016-03-31", "placed_children", "4", 3.0)])
    assert attack(tmp_path).withheld == 1  # the stock printed on one page is known on the other
    # with a second month withheld, the quarter leaves each of them between 1 and 10
    (tmp_path / "trends" / "615_2016-08-01_2017-02-01" / "trends.csv").write_text(
        "municipality,date,figure,group,value\n615,2015-07-31,new_placements,I alt,8.0\n"
        "615,2015-08-31,new_placements,I alt,\n615,2015-09-30,new_placements,I alt,\n"
    )
    assert attack(tmp_path).recovered == []


def test_whole_number_solutions_reach_only_ends_a_reader_must_allow():
    """Atoms a, b, c; printed a + b = 1 and b + c = 1; withheld a + c (at least 1). Over real
    numbers a + c lies in [1, 2] (b = 1/2 gives 1); over whole numbers b = 0, so a + c = 2:
    CP-SAT finds that solution, none with a + c = 1, and the audit's range is [2, 2] (the
    next whole number inwards from the rounded real end, 1, that a solution reaches). A
    bound behind a printed mean that is a whole number up to rounding (2.0000000001) is
    that whole number."""
    from helpers.publishing.audit import FOUND, NONE, UNKNOWN, _Reader, _WholeNumbers

    matrix = np.array([[1.0, 1, 0], [0, 1, 1], [1, 0, 1]])
    low, high = np.array([1.0, 1, 1]), np.array([1.0, 1, np.inf])
    whole = _WholeNumbers(matrix, low, high)
    assert whole.solution_with(2, 1, 1, np.zeros(3)) == (NONE, None)
    found, atoms = whole.solution_with(2, 2, 2, np.zeros(3))
    assert found == FOUND and list(atoms) == [1, 0, 1]
    reader = _Reader(matrix, low, high, integer=True)
    ip_run = reader.ip.run
    reader.ip.run = lambda: pytest.fail("the next whole number inwards is reached: no integer programme")
    assert reader.intervals([2]) == {2: (2.0, 2.0)}  # 1 not reached, 2 is: the end is 2
    # the integer programme settles an end only where no whole number inwards is reached
    reader.ip.run = ip_run
    reader.whole.solution_with = lambda *a, **k: (NONE, None)
    reader._vertex = lambda *a: (UNKNOWN, None)
    assert reader.intervals([2]) == {2: (2.0, 2.0)}
    assert _Reader(matrix, low, high, integer=False).intervals([2])[2] == pytest.approx((1.0, 2.0))
    # a + b printed as 2.0000000001 (a mean times its base): a + b = 2 is allowed, so a + c
    # reaches 3 (a = 2, b = 0, c = 1) and 1 (a = 1, b = 1, c = 0)
    low, high = np.array([2.0000000001, 1, 1]), np.array([2.0000000001, 1, np.inf])
    assert list(_WholeNumbers(matrix, low, high).solution_with(2, 3, 3, np.zeros(3))[1]) == [2, 0, 1]
    assert _Reader(matrix, low, high, integer=True).intervals([2]) == {2: (1.0, 3.0)}


def test_an_end_not_settled_in_time_is_the_farthest_one_reached(monkeypatch):
    """Where CP-SAT can tell neither way within its effort (here: never), an end is the
    farthest value a whole-number solution reached, and the interval says it is not exact:
    the true range holds it, so a cell it shows moving does move. A cell every solution
    gives one value is asked, without a limit, for any other: pinned only if there is none."""
    from helpers.publishing import audit as A

    solve = A._WholeNumbers.solution_with

    def never_in_time(self, row, low, high, weights, effort=A.END_EFFORT):
        return (A.UNKNOWN, None) if effort is not None else solve(self, row, low, high, weights, None)

    monkeypatch.setattr(A._WholeNumbers, "solution_with", never_in_time)
    monkeypatch.setattr(A._Reader, "_vertex", lambda *a: (A.UNKNOWN, None))
    # printed a + b = 1 and b + c = 1, withheld a + c: [1, 2] over real numbers, only 2 over
    # whole numbers (b = 0): proved pinned, exactly
    matrix = np.array([[1.0, 1, 0], [0, 1, 1], [1, 0, 1]])
    reader = A._Reader(matrix, np.array([1.0, 1, 1]), np.array([1.0, 1, np.inf]), integer=True)
    assert reader.intervals([2]) == {2: (2.0, 2.0)} and reader.exact == {2: True}
    # printed a + b = 4, withheld a and b (each at least 1): a takes 1, 2 and 3
    matrix = np.array([[1.0, 1], [1, 0], [0, 1]])
    reader = A._Reader(matrix, np.array([4.0, 1, 1]), np.array([4.0, np.inf, np.inf]), integer=True)
    (low, high), *_ = reader.intervals([1]).values()
    assert low >= 1 and high <= 3 and high - low >= 1 and reader.exact == {1: False}


def test_the_audit_finds_a_rest_no_table_prints(tmp_path):
    """Issue #29: a service's 12 cases in total, by VUM score 5 + 5, and 2 without a score
    (a rest no table prints, declared as a cell with no printed value). Printed in full, 12
    - 5 - 5 gives the 2 back: the audit computes the rest it reads from the record, though
    the CSV has no place for it; with the total withheld it has room."""
    run = tmp_path / "adult_prices" / "851_2016-02-01_2016-08-01"
    run.mkdir(parents=True)
    pd.DataFrame({"category": ["§85"], "cases": [12]}).to_csv(run / "total.csv", index=False)
    pd.DataFrame({"vum_score": [1.0, 2.0], "cases": [5, 5]}).to_csv(run / "by_vum.csv", index=False)
    total = [[0, "cases", "published", "case:count", list(range(12)), True, None]]
    by_vum = [
        [0, "cases", "published", "case:count", list(range(5)), True, None],
        [1, "cases", "published", "case:count", list(range(5, 10)), True, None],
        [0, "cases_rest", "primary", "case:count", [10, 11], False, None],
    ]
    tables = {"total": {"cells": total, "statistics": []}, "by_vum": {"cells": by_vum, "statistics": []}}
    write_record(run, {"group": "g", "tables": tables})
    report = audit(tmp_path, jobs=1)
    assert not report.passed and "by_vum række 2, kolonne cases_rest" in " ".join(report.problems)
    assert [(i.low, i.high) for i in report.intervals] == [(2, 2)]
    pd.DataFrame({"category": ["§85"], "cases": [None]}).to_csv(run / "total.csv", index=False)
    total[0][2] = "secondary"
    write_record(run, {"group": "g", "tables": tables})
    report = audit(tmp_path, jobs=1)
    assert report.passed, report.problems


def test_the_linear_programmes_vertex_is_used_only_when_it_is_whole_numbers():
    """A vertex of the linear programme with the cell at an end is a solution the reader
    must allow when it is whole numbers (printed a + b = 4: a = 3 gives b = 1); a fractional
    one (a = b = c = 1/2 with a + c = 1 below) is not, and CP-SAT decides. The cell's own
    bounds are the linear programme's again afterwards."""
    from helpers.publishing.audit import FOUND, UNKNOWN, _Reader

    reader = _Reader(np.array([[1.0, 1], [1, 0], [0, 1]]), np.array([4.0, 1, 1]), np.array([4.0, np.inf, np.inf]), True)
    bounds = (list(reader.lp.getLp().row_lower_), list(reader.lp.getLp().row_upper_))
    found, atoms = reader._vertex(1, 3.0, np.zeros(2))
    assert found == FOUND and list(atoms) == [3, 1]
    assert (list(reader.lp.getLp().row_lower_), list(reader.lp.getLp().row_upper_)) == bounds
    matrix = np.array([[1.0, 1, 0], [0, 1, 1], [1, 0, 1]])
    reader = _Reader(matrix, np.array([1.0, 1, 1]), np.array([1.0, 1, np.inf]), integer=True)
    assert reader._vertex(2, 1.0, np.zeros(3)) == (UNKNOWN, None)
