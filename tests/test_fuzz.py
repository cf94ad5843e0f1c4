"""Property-based fuzzing of the loader (Hypothesis): mutated CSV and Excel files.

Truncated files, random bytes, random cell edits and shuffled headers go through
``validate`` (in-process and as the CLI) and ``run``. Whatever the input: no exception
escapes, the exit code is 0 or 1, every row read is either kept or rejected with a
reason (rows in = rows kept + rows rejected, and the rejected rows are exactly the rows
with a reason), and a refused file keeps no row.
"""

import contextlib
import datetime as dt
import io
import os
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from conftest import BIN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.data.dataset import load
from helpers.pipeline import cli

HEADER = ["person_id", "municipality", "district", "target_group", "measure", "step", "start_date", "end_date"]
HEADER += ["monthly_cost", "provider_type", "caseworker_id"]
ROWS = [
    ["241210-4011", "851", "Øst", "udsat", "§52 stk. 3 nr. 7 døgninstitution", "", "01-02-2016", "", "45.000,50"]
    + ["privat", "SB-1"],
    ["0101104002", "Aalborg", "Syd", "handicap", "§11, stk. 3", "1", "2016-01-15", "9999-12-31", "1.234", "egen"]
    + ["SB-2"],
    ["150712-9996", "615", "", "udsat", "plejefamilie", "5", "15.01.2015", "31.12.2016", "36000", "", ""],
    ["A17", "410", "Nord", "udsat", "netværkspleje", "4", "2015-03-01", "2015-02-01", "-5", "region", "SB-3"],
    ["290264-4002", "Horsens Kommune", "Vest", "udsat", "§52 stk. 3 nr. 5 aflastning", "", "2016-02-01", ""]
    + ["7000", "egen", ""],
]
TRICKY = [
    "", " ", "inf", "nan", "1e308", "1.234", "1,234.50", "1.234,5", "9999-12-31", "2262-04-12", "31-02-2016",
    "0101104002", "101104002", "010203 1234", '"', '""', ";", ",", "\n", "\r\n", "Ø", "\x00", "=1+1",
    "Københavns Kommune", "-0", "+7", "٣", "\ufeff", "ja", "1", "0001-01-01",
]  # fmt: skip


def table_text(rows, header, sep):
    def cell(v):
        v = str(v)
        if any(ch in v for ch in (sep, '"', "\n", "\r")):
            return '"' + v.replace('"', '""') + '"'
        return v

    return "".join(sep.join(cell(v) for v in r) + "\r\n" for r in [header, *rows])


@st.composite
def edited_table(draw):
    rows = [list(r) for r in draw(st.lists(st.sampled_from(ROWS), min_size=0, max_size=8))]
    for _ in range(draw(st.integers(0, 6))):
        if not rows:
            break
        r, c = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(HEADER) - 1))
        rows[r][c] = draw(st.one_of(st.sampled_from(TRICKY), st.text(max_size=12)))
    header = list(HEADER)
    how = draw(st.sampled_from(["keep", "shuffle", "duplicate", "drop", "rename", "case"]))
    if how == "shuffle":
        header = draw(st.permutations(header))
    elif how == "duplicate":
        header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(HEADER)).upper()
    elif how == "drop":
        del header[draw(st.integers(0, len(header) - 1))]
    elif how == "rename":
        header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(["end-date", "enddate", "slutdato", ""]))
    elif how == "case":
        header = [h.upper().replace("_", " ") for h in header]
    for r in rows:  # ragged rows now and then
        if draw(st.integers(0, 9)) == 0:
            del r[-1]
        elif draw(st.integers(0, 9)) == 0:
            r.append("ekstra")
    return header, rows


@st.composite
def csv_bytes(draw):
    header, rows = draw(edited_table())
    sep = draw(st.sampled_from([";", ",", "\t"]))
    encoding = draw(st.sampled_from(["cp1252", "utf-8", "utf-8-sig", "utf-16"]))
    data = table_text(rows, header, sep).encode(encoding, errors="replace")
    mutation = draw(st.sampled_from(["none", "truncate", "bytes", "splice"]))
    if mutation == "truncate" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif mutation == "bytes":
        data = draw(st.binary(max_size=300))
    elif mutation == "splice" and data:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    return data


EXCEL_VALUES = st.one_of(
    st.sampled_from(TRICKY),
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.text(max_size=10),
)


@st.composite
def xlsx_bytes(draw):
    header, rows = draw(edited_table())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = draw(st.sampled_from(["Ark1", "interventions", "Data"]))
    ws.append(header)
    for r in rows:
        r = list(r)
        for _ in range(draw(st.integers(0, 3))):
            if r:
                r[draw(st.integers(0, len(r) - 1))] = draw(EXCEL_VALUES)
        ws.append([v if not (isinstance(v, str) and any(ord(ch) < 32 for ch in v)) else "x" for v in r])
    if rows and draw(st.booleans()):
        ws.merge_cells(f"B2:B{1 + len(rows)}")
    if draw(st.booleans()):
        wb.create_sheet(draw(st.sampled_from(["Forside", "interventions", "Ark2"]))).append(["note"])
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    mutation = draw(st.sampled_from(["none", "none", "truncate", "bytes"]))
    if mutation == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif mutation == "bytes":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=50)) + data[at + 50 :]
    return data


def check(data_dir: Path) -> None:
    data = load(data_dir, use_cache=False)
    for q in data.quality.itertuples(index=False):
        assert q.rows_read == q.rows_kept + q.rows_rejected
        issues = data.issues[data.issues["table"] == q.table]
        rejected_rows = set(issues["row"].dropna().astype(int))
        if issues["row"].isna().any():  # the file was refused as a whole
            assert q.rows_kept == 0 and q.status == "afvist"
        else:
            assert len(rejected_rows) == q.rows_rejected, (q, issues.to_dict("records"))
        assert len(data.table(q.table)) == q.rows_kept
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["validate", str(data_dir)])
    assert code in (0, 1)
    assert code == (1 if data.rejected or data.refused_files else 0)


FUZZ = settings(
    max_examples=int(os.environ.get("REPORTBOOK_FUZZ_EXAMPLES", "120")),
    deadline=None,
    derandomize=not os.environ.get("REPORTBOOK_FUZZ_RANDOM"),  # the suite is deterministic; set it to explore
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(csv_bytes())
def test_mutated_csv_files_never_crash_and_every_row_is_kept_or_rejected(data):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "interventions.csv").write_bytes(data)
        check(Path(folder))


@settings(FUZZ, max_examples=max(10, FUZZ.max_examples // 3))
@given(xlsx_bytes())
def test_mutated_excel_files_never_crash_and_every_row_is_kept_or_rejected(data):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "interventions.xlsx").write_bytes(data)
        check(Path(folder))


@settings(FUZZ, max_examples=4)
@given(st.one_of(csv_bytes().map(lambda d: ("csv", d)), xlsx_bytes().map(lambda d: ("xlsx", d))))
def test_run_on_mutated_files_exits_0_or_1_without_a_traceback(project_copy, case):
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "data").mkdir()
        (Path(folder) / "data" / f"interventions.{suffix}").write_bytes(data)
        result = subprocess.run(
            [str(BIN / "reportbook"), "run", "--data", f"{folder}/data", "--out", f"{folder}/out"]
            + ["--municipality", "851", "--period", "2016-01-01:2016-06-30", "--notebook", "staircase", "--jobs", "1"],
            capture_output=True,
            text=True,
            env={**os.environ, "REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": f"{folder}/cache"},
        )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr


def test_rejected_rows_keep_their_reason_in_the_rejects_file(tmp_path):
    """One hand-made case of the property above, read back from the rejects file."""
    text = table_text([ROWS[0], ROWS[3], ROWS[4]], HEADER, ";")
    (tmp_path / "interventions.csv").write_bytes(text.encode("cp1252"))
    data = load(tmp_path, use_cache=False)
    q = data.quality.set_index("table").loc["interventions"]
    assert (q["rows_read"], q["rows_kept"], q["rows_rejected"]) == (3, 2, 1)
    assert set(pd.Series(data.issues["row"]).dropna().astype(int)) == {3}  # A17: no birth date, end before start
