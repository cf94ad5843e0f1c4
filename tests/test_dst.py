import http.server
import threading
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import dst

FIXTURES = Path(__file__).parent / "fixtures" / "dst"


def test_parse_time_formats():
    t = dst.parse_time(pd.Series(["2016", "2016K1", "2016Q4", "2016M03"]))
    assert t["year"].tolist() == [2016] * 4
    assert t["quarter"].tolist()[:3] == [pd.NA, 1, 4] and pd.isna(t["quarter"].iloc[3])
    assert t["month"].tolist()[3] == 3


def test_read_codes_with_bom_padding_missing_and_thousands():
    table = dst.read_statbank(FIXTURES / "FOLK1A.csv")
    assert list(table.columns[:4]) == ["område", "køn", "alder", "tid"]
    assert table["municipality"].tolist() == [pd.NA, 101, 101, 101, 101, 101, 851, 851, 851]
    assert table["value"].iloc[7] == 3200  # '3.200' with thousands point
    assert pd.isna(table["value"].iloc[8])  # '..'
    assert table["quarter"].tolist()[:2] == [1, 1]


def test_read_labels_in_cp1252_with_decimal_comma():
    table = dst.read_statbank(FIXTURES / "ANBAAR12.csv")
    assert table["municipality"].tolist() == [pd.NA, 101, 851, 851, 607]
    assert pd.isna(table["value"].iloc[3])  # '-'
    assert table["value"].iloc[4] == 98.5
    assert table["year"].tolist() == [2016] * 5 and table["quarter"].tolist()[4] == 1


def test_population_0_22_by_hand():
    pop = dst.population_0_22(dst.read_statbank(FIXTURES / "FOLK1A.csv")).set_index("municipality")
    assert pop.loc[101, "population_0_22"] == 9000 + 8000  # age 23 and sex 1 and quarter 2 left out
    assert pop.loc[851, "population_0_22"] == 2500 + 3200


def test_refuses_a_table_without_indhold():
    with pytest.raises(ValueError, match="INDHOLD"):
        dst.read_statbank(b"A;B\n1;2\n")


def test_request_url_asks_for_codes_as_bulk():
    url = dst.request_url("FOLK1A")
    assert url.startswith("https://api.statbank.dk/v1/data/FOLK1A/BULK?")
    assert "valuePresentation=Code" in url and "ALDER=0,1,2" in url


@pytest.fixture
def statbank_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        hits = []

        def do_GET(self):  # noqa: N802
            Handler.hits.append(self.path)
            table = self.path.split("/")[-2]
            body = (FIXTURES / f"{table}.csv").read_bytes() if (FIXTURES / f"{table}.csv").exists() else b"<html>"
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/data", Handler.hits
    server.shutdown()


def test_fetch_downloads_caches_and_refuses_non_tables(statbank_server, tmp_path):
    base, hits = statbank_server
    path = dst.fetch("FOLK1A", cache_dir=tmp_path, base_url=base)
    assert path.read_bytes() == (FIXTURES / "FOLK1A.csv").read_bytes()
    assert hits[0].startswith("/v1/data/FOLK1A/BULK?")
    dst.fetch("FOLK1A", cache_dir=tmp_path, base_url=base)
    assert len(hits) == 1  # cached
    with pytest.raises(ValueError):
        dst.fetch("ISBU02", cache_dir=tmp_path, base_url=base)
    assert not (tmp_path / "ISBU02.csv").exists()
