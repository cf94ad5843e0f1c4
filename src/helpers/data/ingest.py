"""Reading contract files as municipalities export them, without interpreting any value.

A file becomes a :class:`RawTable`: one row per record, the header normalised, the row
number the user sees for each record (header = row 1; in Excel the sheet's own row, and
every message names the cell, e.g. ``Ark1!D17``), and what went wrong while reading:

* **refused** (file level): empty file, unreadable or corrupt file, a table in two files,
  duplicate or near-duplicate headers, an unknown header close to a contract column
  ("mente du 'end_date'?"), no sheet with the table, a file too large for this machine;
* **row problems**: ragged rows (too few or too many fields), rows in another encoding
  than the rest of the file or not decodable at all, Excel formulas without a cached
  value and merged cells (the rows are rejected with these reasons by the validation);
* **notes**: kept, but worth saying (a file with only a header).

CSV is read in blocks by pyarrow's streaming CSV reader (``open_csv``), so memory grows
with the data, not with copies of the text. The encoding is settled per file: a BOM
(UTF-8, UTF-16, UTF-32), UTF-16 without a BOM (NUL bytes), else strict UTF-8, else
cp1252 (Danish Windows Excel); when lines of both UTF-8 and cp1252 occur, the majority
decides and the other rows are reported by row number. ``.xlsx`` is read with openpyxl
(read-only, cached values), ``.parquet`` with pyarrow.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import show
from .contract import Table
from .privacy import mask_cpr_text

EXTENSIONS = (".csv", ".xlsx", ".parquet")
FIRST_DATA_ROW = 2  # header is row 1 in the file as the user sees it
#: Bytes per block of pyarrow's streaming CSV reader.
CSV_BLOCK_BYTES = 16 * 2**20
#: Memory needed to validate a file, per byte of file (measured by ``benchmarks/ingest.py``
#: on this project's machine, with room to spare), and the share of the available memory
#: a file may use. ``$REPORTBOOK_MAX_INPUT_BYTES`` sets the limit directly.
MEMORY_PER_BYTE = {".csv": 8, ".parquet": 16, ".xlsx": 60}
MEMORY_SHARE = 0.5


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame  # one column per header, normalised names, one row per record
    rows: pd.Series  # the row number the user sees for each record (aligned with frame)
    sheet: str | None = None  # Excel: the sheet read
    letters: dict[str, str] = field(default_factory=dict)  # Excel: column -> column letter
    problems: list[dict] = field(default_factory=list)  # rows to reject: row, column, rule, problem, expected
    dropped: list[int] = field(default_factory=list)  # rows read but not in frame (each has a problem)
    refused: list[dict] = field(default_factory=list)  # the file is refused: column, rule, problem, expected
    notes: list[dict] = field(default_factory=list)  # kept, but reported: row, column, rule, problem
    header: dict[str, str] = field(default_factory=dict)  # normalised -> as written in the file
    separator: str = ""

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.dropped)

    def where(self, row: int | None, column: str | None = None) -> str:
        """Where a problem is, as the user finds it: file, row and, in Excel, the cell."""
        file = self.path.name
        if row is None:
            return file
        if self.sheet is not None and column in self.letters:
            return f"{file}, række {row} (celle {self.sheet}!{self.letters[column]}{row})"
        return f"{file}, række {row}"


def _refused(path: Path, rule: str, problem: str, expected: str = "", column: str = "") -> RawTable:
    frame = pd.DataFrame()
    raw = RawTable(path, frame, pd.Series([], dtype="int64"))
    raw.refused.append({"column": column, "rule": rule, "problem": problem, "expected": expected})
    return raw


def table_files(data_dir: Path, table: str) -> list[Path]:
    """Every file in ``data_dir`` that holds ``table`` (``.csv``, ``.xlsx`` or ``.parquet``)."""
    return [data_dir / f"{table}{ext}" for ext in EXTENSIONS if (data_dir / f"{table}{ext}").is_file()]


_COPY_MARK = re.compile(r"(\s*\(\d+\)|\s*-\s*(kopi|copy)(\s*\(\d+\))?|\s+(kopi|copy)(\s*\d+)?)$", re.IGNORECASE)
_COPY_PREFIX = re.compile(r"^(kopi af|copy of)\s+", re.IGNORECASE)


def lookalike_table(name: str, tables) -> str | None:
    """The table a file name looks like without being its exact name: another case
    (``Interventions.CSV``), a copy mark (``interventions (1).csv``, ``kopi af …``,
    ``… - kopi``), another or a double extension (``.xls``, ``.csv.gz``, ``.txt``)."""
    stem = name
    while True:  # every extension: interventions.csv.gz -> interventions
        head, dot, ext = stem.rpartition(".")
        if not dot or not head or not re.fullmatch(r"[A-Za-z0-9]{1,8}", ext):
            break
        stem = head
    stem = _COPY_PREFIX.sub("", _COPY_MARK.sub("", stem.strip())).strip().casefold().replace(" ", "_")
    return stem if stem in tables else None


def lookalikes(data_dir: Path, tables, read: set[str]) -> list[tuple[Path, str, str]]:
    """Every entry of ``data_dir`` that looks like a table but is not read: ``(path, table,
    why)``, why in Danish (a folder, a broken link, another name than the exact one)."""
    found = []
    for entry in sorted(data_dir.iterdir()):
        if entry.name in read or entry.name.startswith("."):
            continue
        table = lookalike_table(entry.name, tables)
        exact = any(entry.name == f"{t}{ext}" for t in tables for ext in EXTENSIONS)
        if table is None and not exact:
            continue
        table = table or entry.name.rpartition(".")[0]
        if entry.is_symlink() and not entry.exists():
            why = "en genvej (symbolsk link) til en fil, der ikke findes, læses ikke"
        elif entry.is_dir():
            why = "en mappe, ikke en fil, læses ikke"
        elif not entry.is_file():
            why = "ikke en almindelig fil, læses ikke"
        else:
            why = f"læses ikke: tabellen '{table}' skal hedde præcis {table}.csv, {table}.xlsx eller {table}.parquet"
        found.append((entry, table, why))
    return found


def find_table_file(data_dir: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``data_dir``; a ``ValueError`` when there are several."""
    found = table_files(data_dir, table)
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ValueError(f"{data_dir}: tabellen '{table}' findes i flere filer ({names}); behold én.")
    return found[0] if found else None


# ---------------------------------------------------------------------------- size


def available_memory() -> int:
    """Bytes of memory available to new allocations (``MemAvailable``; else physical free pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def max_input_bytes(suffix: str) -> int:
    """The largest file of this type that can be validated here (see :data:`MEMORY_PER_BYTE`)."""
    value = os.environ.get("REPORTBOOK_MAX_INPUT_BYTES", "").strip()
    if value:
        try:
            return int(value)
        except ValueError as err:
            raise ValueError(f"REPORTBOOK_MAX_INPUT_BYTES skal være et antal byte, ikke {value!r}") from err
    return int(available_memory() * MEMORY_SHARE / MEMORY_PER_BYTE.get(suffix, 10))


def size_da(n: float) -> str:
    """``1834`` -> ``1.834 byte (1,8 kB)``."""
    whole = f"{int(n):,}".replace(",", ".")
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= factor:
            return f"{whole} byte ({f'{n / factor:.1f}'.replace('.', ',')} {unit})"
    return f"{whole} byte"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, cp1252 (small files, e.g. Statistikbanken's)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# ---------------------------------------------------------------------------- header

_SPACES = re.compile(r"[\s\-./]+")


def normalise_header(name: object) -> str:
    """``' End-Date '`` -> ``end_date``: case, spaces, ``-``/``.``/``/`` and ``_`` are one spelling."""
    text = unicodedata.normalize("NFC", str(name)).replace("\ufeff", "").strip().casefold()
    return _SPACES.sub("_", text).strip("_")


def _close_match(name: str, candidates: list[str]) -> str | None:
    squashed = name.replace("_", "")
    for c in candidates:
        if c.replace("_", "") == squashed:
            return c
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.8)
    return found[0] if found else None


def check_header(raw: RawTable, names: list[object], table: Table) -> list[str] | None:
    """Normalised column names, or None when the header makes the file unusable (the
    reasons are in ``raw.refused``): duplicates after normalisation, and unknown names
    close to a contract column that the file lacks."""
    written = ["" if n is None else mask_cpr_text(str(n))[0] for n in names]  # a CPR typed as a header too
    normalised = [normalise_header(n) for n in written]
    out, seen = [], {}
    for i, (name, shown) in enumerate(zip(normalised, written)):
        if not name:
            name = f"kolonne_{i + 1}"
        if name in seen:
            first = seen[name]
            raw.refused.append(
                {
                    "column": name,
                    "rule": "duplicate_col",
                    "problem": f"kolonnerne {show(first)} og {show(shown)} er den samme kolonne",
                    "expected": "hver kolonne én gang",
                }
            )
        else:
            seen[name] = shown
        out.append(name)
    contract = table.column_names
    absent = [c for c in contract if c not in seen]
    for name in seen:
        if name in contract or name.startswith("kolonne_"):
            continue
        meant = _close_match(name, absent)
        if meant is not None:
            raw.refused.append(
                {
                    "column": meant,
                    "rule": "unknown_col",
                    "problem": f"kolonnen {show(seen[name])} kendes ikke – mente du {meant!r}?",
                    "expected": f"kolonnenavnet {meant!r}, eller et navn der ikke ligner kontraktens",
                }
            )
    raw.header = dict(seen)
    return None if raw.refused else out


def _note_blank_headers(raw: RawTable, letters: list[str] | None = None) -> None:
    """A note for every column without a header that holds data: its cells are kept as an
    extra column (not read by any analysis), never dropped without a word."""
    for c in raw.frame.columns:
        if not str(c).startswith("kolonne_"):
            continue
        values = raw.frame[c]
        filled = int((values.notna() & (values.astype(str).str.strip() != "")).sum())
        where = f"kolonne {c.removeprefix('kolonne_')}"
        if letters is not None and c in raw.letters:
            where += f" ({raw.letters[c]})"
        raw.notes.append(
            {
                "row": None,
                "column": c,
                "rule": "blank_header",
                "problem": f"{where} har ingen overskrift, men data i {filled} {'celle' if filled == 1 else 'celler'}; "
                "de beholdes som en ekstra kolonne og bruges ikke i analyserne (giv kolonnen et navn fra "
                "datakontrakten)",
            }
        )


def _drop_unnamed_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns without a header and without any value (trailing separators, empty Excel columns)."""
    drop = []
    for c in frame.columns:
        if c.startswith("kolonne_"):
            values = frame[c]
            if values.dtype == object:
                filled = values.map(lambda v: v is not None and not (isinstance(v, str) and not v.strip()))
                filled = filled & values.notna()
            else:
                filled = values.notna() & (values.astype(str).str.strip() != "")
            if not filled.any():
                drop.append(c)
    return frame.drop(columns=drop)


# ---------------------------------------------------------------------------- encodings

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ENCODING_DA = {"utf-8": "UTF-8", "cp1252": "cp1252 (Windows)"}


@dataclass
class Decoded:
    encoding: str  # codec for pyarrow; "utf-8" when ``data`` holds the re-encoded text
    data: bytes | None = None  # the file as UTF-8, when rows had to be decoded one by one
    bad: dict[int, str] = field(default_factory=dict)  # row -> problem (rows in another encoding)
    empty: bool = False


def _utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 3 * max(even, 1):
        return "utf-16-le"
    if even > 3 * max(odd, 1):
        return "utf-16-be"
    return None


def detect_encoding(path: Path) -> Decoded:
    """The encoding of a CSV file (see the module docstring)."""
    with open(path, "rb") as fh:
        sample = fh.read(65536)
    utf8_bom = sample.startswith(codecs.BOM_UTF8)
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            body = sample[len(bom) :]
            if not body.strip(b"\x00\r\n\t "):
                return Decoded(codec, empty=True)
            if not utf8_bom:
                return Decoded(codec)
            break
    if not sample.strip():
        return Decoded("utf-8", empty=True)
    wide = _utf16_without_bom(sample)
    if wide:
        return Decoded(wide)
    # 8-bit: strict UTF-8, else cp1252; line by line only where both may occur
    seen = set()
    with open(path, "rb") as fh:
        rest = b""
        while True:
            block = fh.read(CSV_BLOCK_BYTES)
            if block:
                block = rest + block
                cut = block.rfind(b"\n") + 1
                chunk, rest = (block[:cut], block[cut:]) if cut else (b"", block)
            else:
                chunk, rest = rest, b""
            if chunk and not chunk.isascii():
                seen.add(_chunk_encoding(chunk))
            if len(seen - {"utf-8", "cp1252"}) or len(seen) > 1:
                return _decode_by_line(path)
            if not block:
                break
    if "cp1252" in seen:
        return Decoded("cp1252") if not utf8_bom else _decode_by_line(path)  # a BOM says UTF-8: mixed
    return Decoded("utf-8-sig" if utf8_bom else "utf-8")


def _chunk_encoding(chunk: bytes) -> str:
    """``utf-8``, ``cp1252`` (every non-ASCII byte is invalid UTF-8, and valid cp1252) or
    ``mixed`` (both, or bytes valid in neither: to be decoded line by line)."""
    try:
        chunk.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    non_ascii = len(chunk) - len(chunk.translate(None, bytes(range(128, 256))))
    if chunk.decode("utf-8", errors="replace").count("\ufffd") != non_ascii:
        return "mixed"  # some non-ASCII bytes formed valid UTF-8 sequences
    try:
        chunk.decode("cp1252")
    except UnicodeDecodeError:
        return "mixed"
    return "cp1252"


def _decode_by_line(path: Path) -> Decoded:
    """Decode each line in the encoding it is valid in; the minority encoding's rows and
    undecodable rows are reported (by record number: a quoted cell may span lines)."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    kinds = []
    for line in lines:
        try:
            line.decode("ascii")
            kinds.append("ascii")
            continue
        except UnicodeDecodeError:
            pass
        try:
            line.decode("utf-8")
            kinds.append("utf-8")
        except UnicodeDecodeError:
            try:
                line.decode("cp1252")
                kinds.append("cp1252")
            except UnicodeDecodeError:
                kinds.append("bad")
    n_utf8, n_cp = kinds.count("utf-8"), kinds.count("cp1252")
    majority = "utf-8" if n_utf8 >= n_cp else "cp1252"
    minority = "cp1252" if majority == "utf-8" else "utf-8"
    out, bad = [], {}
    record, inside = 1, False
    for line, kind in zip(lines, kinds):
        if kind in ("ascii", "utf-8"):
            text = line.decode("utf-8")
        else:
            text = line.decode("cp1252", errors="replace")
        if kind == minority and record not in bad:
            bad[record] = (
                f"rækken er kodet som {_ENCODING_DA[minority]}, men resten af filen som {_ENCODING_DA[majority]}"
            )
        elif kind == "bad" and record not in bad:
            bad[record] = "rækken indeholder tegn, der hverken er gyldig UTF-8 eller cp1252"
        out.append(text)
        inside ^= text.count('"') % 2 == 1
        if not inside:
            record += 1
    return Decoded("utf-8", data="\n".join(out).encode("utf-8"), bad=bad)


# ---------------------------------------------------------------------------- CSV


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def _header_record(path: Path, decoded: Decoded) -> tuple[list[str], str]:
    if decoded.data is not None:
        head = decoded.data[:65536].decode("utf-8", errors="replace")
    else:
        with open(path, "rb") as fh:
            head = fh.read(65536).decode(decoded.encoding, errors="replace")
    head = head.lstrip("\ufeff")
    first = head.split("\n", 1)[0].rstrip("\r")
    sep = sniff_separator(first)
    try:
        record = next(csv.reader(io.StringIO(head, newline=""), delimiter=sep), [])
    except csv.Error:  # e.g. a NUL byte: the header as the first line shows it
        record = first.split(sep)
    return record, sep


def read_csv(path: Path, table: Table) -> RawTable:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    decoded = detect_encoding(path)
    if decoded.empty:
        return _refused(
            path, "empty_file", "filen er tom (ingen overskrift og ingen rækker)", "en overskrift og rækker"
        )
    names, sep = _header_record(path, decoded)
    if 1 in decoded.bad:
        return _refused(path, "encoding", f"overskriften (række 1): {decoded.bad[1]}", "en overskrift i filens kodning")
    if not any(str(n).strip() for n in names):
        return _refused(path, "empty_file", "filen er tom (første række har ingen kolonnenavne)", "en overskrift")
    raw = RawTable(path, pd.DataFrame(), pd.Series([], dtype="int64"), separator=sep)
    columns = check_header(raw, names, table)
    n = len(names)
    internal = [f"f{i}" for i in range(n)]
    invalid: dict[int, str] = {}

    def handler(row) -> str:
        number = row.number if row.number is not None else -1
        invalid[number] = f"rækken har {row.actual_columns} felter, men overskriften har {row.expected_columns} felter"
        return "skip"

    source = pa.BufferReader(decoded.data) if decoded.data is not None else str(path)
    try:
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(
                use_threads=False,
                block_size=CSV_BLOCK_BYTES,
                column_names=internal,
                skip_rows=1,
                encoding="utf8" if decoded.data is not None or decoded.encoding == "utf-8-sig" else decoded.encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, invalid_row_handler=handler, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in internal},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        batches = list(reader)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, UnicodeError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return _refused(path, "unreadable", f"filen kan ikke læses som CSV ({first[:200]})", "en CSV-fil")
    except (MemoryError, pa.ArrowMemoryError):
        return _refused(path, "too_large", f"filen er for stor til hukommelsen ({size_da(path.stat().st_size)})")
    arrow = pa.Table.from_batches(batches, schema=pa.schema([(c, pa.string()) for c in internal]))
    del batches
    total = arrow.num_rows + len(invalid)
    numbers = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + total, dtype="int64")
    if invalid:
        numbers = numbers[~np.isin(numbers, np.fromiter(invalid, dtype="int64"))]
    frame = arrow.to_pandas()
    del arrow
    frame.index = pd.RangeIndex(len(frame))
    if columns is None:  # refused by its header: count the rows, keep none
        raw.frame, raw.rows = frame.iloc[:0], pd.Series([], dtype="int64")
        raw.dropped = list(numbers) + sorted(invalid)
        return raw
    frame.columns = columns
    blank = np.ones(len(frame), dtype=bool)
    for c in frame.columns:
        blank &= frame[c].str.strip().eq("").to_numpy()
    keep = ~blank
    frame = _drop_unnamed_empty(frame.loc[keep].reset_index(drop=True))
    raw.frame = frame
    _note_blank_headers(raw)
    raw.rows = pd.Series(numbers[keep], index=frame.index)
    raw.dropped = sorted(invalid)
    for number, problem in sorted(invalid.items()):
        raw.problems.append({"row": number, "column": "", "rule": "fields", "problem": problem, "expected": ""})
    for number, problem in sorted(decoded.bad.items()):
        raw.problems.append({"row": number, "column": "", "rule": "encoding", "problem": problem, "expected": ""})
    if raw.rows_read == 0:
        raw.notes.append(
            {"row": None, "column": "", "rule": "header_only", "problem": "filen har kun overskriften og ingen rækker"}
        )
    return raw


# ---------------------------------------------------------------------------- Excel


def _cell_letters(n: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(i + 1) for i in range(n)]


def _first_row(ws, limit: int = 50) -> tuple[int, tuple] | None:
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if any(v is not None and str(v).strip() for v in values):
            return number, values
        if number >= limit:
            break
    return None


def _choose_sheet(wb, table: Table) -> tuple[object | None, str, list[str]]:
    """The sheet named after the table, else the only sheet with the contract's header,
    else the only sheet; otherwise None and the reason. Also the other sheets that have the
    table's header and are not read (reported, never silently ignored)."""
    names = list(wb.sheetnames)
    required = {c.name for c in table.columns if c.required}
    with_header = []
    for name in names:
        ws = wb[name]
        ws.reset_dimensions()
        first = _first_row(ws)
        if first and required <= {normalise_header(v) for v in first[1] if v is not None}:
            with_header.append(name)
    for name in names:
        if normalise_header(name) == table.name:
            return wb[name], "", [n for n in with_header if n != name]
    if len(with_header) == 1:
        return wb[with_header[0]], "", []
    if len(names) == 1:
        return wb[names[0]], "", []
    shown = ", ".join(repr(n) for n in names)
    if with_header:
        return None, f"flere ark har tabellens overskrift ({', '.join(repr(n) for n in with_header)})", []
    return None, f"ingen af arkene ({shown}) hedder '{table.name}' eller har tabellens overskrift", []


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(path: Path, ws) -> list[tuple[str, int, str, int]]:
    """Merged ranges of a read-only sheet, read from its XML (openpyxl's read-only mode does
    not parse them)."""
    member = getattr(ws, "_worksheet_path", None)
    if not member:
        return []
    found, tail = [], b""
    with zipfile.ZipFile(path) as z, z.open(member) as fh:
        while True:
            block = fh.read(4 * 2**20)
            if not block:
                break
            text = tail + block
            if b"<mergeCell" in text:
                found += _MERGE.findall(text)
            tail = text[-200:]
    unique = sorted(set(found))
    return [(a.decode(), int(r1), b.decode(), int(r2)) for a, r1, b, r2 in unique]


def _has_formulas(path: Path, ws) -> bool:
    member = getattr(ws, "_worksheet_path", None)
    if not member:
        return True
    with zipfile.ZipFile(path) as z, z.open(member) as fh:
        tail = b""
        while True:
            block = fh.read(4 * 2**20)
            if not block:
                return False
            if b"<f>" in tail + block or b"<f " in tail + block or b"<f/>" in tail + block:
                return True
            tail = block[-8:]


def _formula_cells(path: Path, sheet: str, header_row: int) -> set[tuple[int, int]]:
    """(row, column index) of every formula cell (with or without a cached value)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[sheet]
        ws.reset_dimensions()
        out = set()
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number <= header_row:
                continue
            for i, v in enumerate(values):
                if (isinstance(v, str) and v.startswith("=")) or (
                    v is not None and type(v).__name__.endswith("Formula")
                ):
                    out.add((number, i))
        return out
    finally:
        wb.close()


def read_xlsx(path: Path, table: Table) -> RawTable:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any corruption: one line naming the file
        return _refused(path, "unreadable", f"filen kan ikke åbnes som Excel-projektmappe (.xlsx): {_short(err)}")
    try:
        ws, why, ignored = _choose_sheet(wb, table)
        if ws is None:
            return _refused(path, "sheet", why, f"et ark med navnet '{table.name}' eller med tabellens overskrift")
        ws.reset_dimensions()
        rows_iter = enumerate(ws.iter_rows(values_only=True), start=1)
        header_row, header = None, ()
        for number, values in rows_iter:
            if any(v is not None and str(v).strip() for v in values):
                header_row, header = number, values
                break
        if header_row is None:
            return _refused(path, "empty_file", f"arket {ws.title!r} er tomt", "en overskrift og rækker")
        raw = RawTable(path, pd.DataFrame(), pd.Series([], dtype="int64"), sheet=ws.title)
        header, records, numbers = _sheet_rows(rows_iter, header)
        width = len(header)
        merged = _merged_ranges(path, ws)
        formulas = _formula_cells(path, ws.title, header_row) if _has_formulas(path, ws) else set()
    except Exception as err:  # noqa: BLE001 - a corrupt sheet part: one line naming the file
        return _refused(path, "unreadable", f"filen kan ikke læses som Excel-projektmappe (.xlsx): {_short(err)}")
    finally:
        wb.close()
    columns = check_header(raw, list(header), table)
    if columns is None:
        raw.dropped = numbers
        return raw
    letters = _cell_letters(width)
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    frame = frame.astype(object)
    raw.letters = dict(zip(columns, letters))
    raw.frame = _drop_unnamed_empty(frame)
    _note_blank_headers(raw, letters)
    for name in ignored:
        raw.notes.append(
            {
                "row": None,
                "column": "",
                "rule": "other_sheet",
                "problem": f"arket {name!r} har også tabellens overskrift, men læses ikke: kun arket "
                f"{ws.title!r} læses (flyt rækkerne dertil, hvis de hører med)",
            }
        )
    raw.rows = pd.Series(np.asarray(numbers, dtype="int64"), index=raw.frame.index)
    raw.problems += _merged_problems(merged, set(numbers), columns)
    by_row = dict(zip(numbers, range(len(numbers))))
    for row, c in sorted(formulas):
        if row in by_row and c < len(columns) and records[by_row[row]][c] is None:
            raw.problems.append(
                {
                    "row": row,
                    "column": columns[c],
                    "rule": "formula",
                    "problem": "cellen er en formel uden gemt værdi",
                    "expected": "åbn og gem filen i Excel, så formlens værdi gemmes, eller indsæt værdien",
                }
            )
    if not numbers:
        raw.notes.append(
            {"row": None, "column": "", "rule": "header_only", "problem": "filen har kun overskriften og ingen rækker"}
        )
    return raw


def _sheet_rows(rows_iter, header) -> tuple[tuple, list[tuple], list[int]]:
    """The sheet's non-empty rows after the header, each as wide as the widest (a value
    right of the header widens every row and the header), with their row numbers."""
    width = len(header)
    records, numbers = [], []
    for number, values in rows_iter:
        if not any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            continue
        values = tuple(values)
        if len(values) > width:
            if any(v is not None for v in values[width:]):
                extra = len(values) - width
                header = tuple(header) + (None,) * extra
                records = [r + (None,) * extra for r in records]
                width = len(values)
            else:
                values = values[:width]
        records.append(values + (None,) * (width - len(values)))
        numbers.append(number)
    return tuple(header), records, numbers


def _merged_problems(merged, present: set[int], columns: list[str]) -> list[dict]:
    """Every cell of a merged range but its first, on a row that is read: its value is lost."""
    from openpyxl.utils import column_index_from_string

    problems = []
    for first_col, first_row, last_col, last_row in merged:
        c0, c1 = column_index_from_string(first_col) - 1, column_index_from_string(last_col) - 1
        for row in range(first_row, last_row + 1):
            if row not in present:
                continue
            for c in range(c0, c1 + 1):
                if (row, c) == (first_row, c0) or c >= len(columns):
                    continue
                problems.append(
                    {
                        "row": row,
                        "column": columns[c],
                        "rule": "merged",
                        "problem": f"cellen er en del af de flettede celler {first_col}{first_row}:"
                        f"{last_col}{last_row}, og værdien står kun i {first_col}{first_row}",
                        "expected": "ophæv fletningen og skriv værdien i hver celle",
                    }
                )
    return problems


def _short(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}{': ' + text[:150] if text else ''}"


# ---------------------------------------------------------------------------- Parquet


def read_parquet(path: Path, table: Table) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        arrow = pq.read_table(path)
    except Exception as err:  # noqa: BLE001 - any corruption: one line naming the file
        return _refused(path, "unreadable", f"filen kan ikke læses som Parquet: {_short(err)}")
    raw = RawTable(path, pd.DataFrame(), pd.Series([], dtype="int64"))
    columns = check_header(raw, list(arrow.column_names), table)
    if columns is None:
        raw.dropped = list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + arrow.num_rows))
        return raw
    arrays = {}
    for name, col in zip(columns, arrow.columns):
        kind = col.type
        if pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_time(kind):
            arrays[name] = pd.Series(col.to_pylist(), dtype=object)
        elif any(
            test(kind)
            for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer, pa.types.is_floating)
        ) or pa.types.is_boolean(kind):
            arrays[name] = col.to_pandas()
        else:  # nested, binary, decimal ...: as text
            arrays[name] = pd.Series([None if v is None else str(v) for v in col.to_pylist()], dtype=object)
    frame = pd.DataFrame(arrays, index=pd.RangeIndex(arrow.num_rows))
    raw.frame = frame
    raw.rows = pd.Series(np.arange(len(frame), dtype="int64") + FIRST_DATA_ROW, index=frame.index)
    if len(frame) == 0:
        raw.notes.append(
            {"row": None, "column": "", "rule": "header_only", "problem": "filen har kun kolonner og ingen rækker"}
        )
    return raw


# ---------------------------------------------------------------------------- any file


#: What a file is, by its first bytes (its "magic number"), whatever its name says.
_MAGIC = (
    (b"PK\x03\x04", ".xlsx"),  # a ZIP container: .xlsx (or another ZIP file)
    (b"PAR1", ".parquet"),
    (b"\xd0\xcf\x11\xe0", ".xls"),  # the old binary Excel format
    (b"\x1f\x8b", ".gz"),
)
KIND_NAMES = {
    ".csv": "en CSV-fil",
    ".xlsx": "en Excel-fil (eller en anden zip-fil)",
    ".parquet": "en Parquet-fil",
    ".xls": "en gammel Excel-fil (.xls)",
    ".gz": "en gzip-komprimeret fil",
}


def file_kind(path: Path) -> str | None:
    """The kind of file its first bytes say it is (``.xlsx``, ``.parquet``, ``.xls``,
    ``.gz``); ``.csv`` for anything else that is not empty (text), None for an empty file."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        return None
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), ".csv")


def read_raw(path: Path, table: Table) -> RawTable:
    """Read a contract file (refusing it, with the reason, when it cannot be used)."""
    path = Path(path)
    suffix = path.suffix.lower()
    size = path.stat().st_size
    limit = max_input_bytes(suffix)
    if size > limit:
        return _refused(
            path,
            "too_large",
            f"filen er {size_da(size)}, og den største fil af denne type, der kan valideres på denne maskine, "
            f"er ca. {size_da(limit)}",
            "del filen op, fx pr. kommune eller år",
        )
    kind = file_kind(path)
    if kind is not None and kind != suffix:
        return _refused(
            path,
            "wrong_kind",
            f"dette er {KIND_NAMES[kind]}, ikke {KIND_NAMES[suffix]} (filen har fået et forkert navn)",
            f"gem filen som {KIND_NAMES[suffix]}, eller giv den endelsen {kind}",
        )
    if suffix == ".csv":
        return read_csv(path, table)
    if suffix == ".xlsx":
        return read_xlsx(path, table)
    if suffix == ".parquet":
        return read_parquet(path, table)
    return _refused(path, "unreadable", f"filtypen {suffix!r} kendes ikke", ".csv, .xlsx eller .parquet")
