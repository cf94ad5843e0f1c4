# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: reportbook,kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   reportbook:
#     reads:
#       budget_assumptions: municipality
#       case_events: municipality
#       interventions: municipality
#       municipality_figures: all
# ---

# %% [markdown]
# # Benchmarking og nøgletal

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/benchmarking"

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import benchmarking, key_figures
from helpers.publishing import figures
from helpers.publishing.pages import benchmarking as benchmarking_page
from helpers.publishing.pages import key_figures as key_figures_page
from helpers.publishing.report import open_report
from helpers.publishing.tables import publish

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="benchmarking")
display(report.header("Benchmarking og nøgletal"))
public_figures = report.data.municipality_figures
year = benchmarking.benchmark_year(public_figures, report.municipality, report.period_end)
comparison = benchmarking.comparison(public_figures, report.municipality, year) if year else None
has_comparison = comparison is not None and bool(comparison["focal"].any())
summary = benchmarking.focal_summary(comparison) if has_comparison else None
if has_comparison:
    display(report.key_messages(benchmarking_page.summary_da(summary, report.name, year)))

# %% [markdown]
# Siden sammenligner kommunen med landets øvrige kommuner på de offentlige nøgletal, som VIVE
# brugte i sin analyse af styringen på det specialiserede børneområde, og viser kommunens egne
# nøgletal for perioden – samlet, pr. distrikt og pr. sagsbehandler.

# %% [markdown]
# ## Kommunen sammenlignet med de andre kommuner

# %% tags=["remove-input"]
if not has_comparison:
    display(
        report.no_data(f"Der er ingen offentlige nøgletal (municipality_figures) for {report.name} Kommune i data.")
    )
else:
    everyone = publish(comparison, "municipality_comparison", output_dir)
    display(
        publish(
            summary,
            "municipality_summary",
            output_dir,
            caption=f"{report.name} og gennemsnitskommunen, {year}",
            formats={"figure": lambda f: benchmarking.FIGURES[f]},
        )
    )
    figures.show(
        figures.ranked_dots(
            comparison,
            benchmarking.FIGURES,
            f"{report.name} blandt landets kommuner, {year}",
            f"Kilde: kommunale nøgletal {year}"
            f"{' (syntetiske bortset fra VIVE Tabel 1.1)' if report.synthetic else ''}.",
        )
    )
    display(everyone.downloads("Alle kommuners værdier og placeringer (lang form)"))

# %% [markdown]
# Gennemsnitskommunen er det simple gennemsnit af kommunerne uden de fem mindste, som i VIVE's
# Tabel 1.1. Forskelle mellem kommuner afspejler også forskelle i befolkning og behov, som
# udgiftsbehovet kun delvist tager højde for; placeringen er derfor et udgangspunkt for
# spørgsmål, ikke en dom.

# %% [markdown]
# ## VIVE's Tabel 1.1: seks kommuner i 2015

# %% tags=["remove-input"]
table = benchmarking.table_1_1(public_figures)
if (
    table.iloc[:6]["name"].isin(["Hvidovre", "Middelfart", "Horsens", "Kolding", "Syddjurs", "Mariagerfjord"]).sum()
    == 0
):
    display(report.no_data("Data indeholder ikke nøgletal for 2015 for de seks kommuner i VIVE's Tabel 1.1."))
else:
    display(
        publish(
            table,
            "table_1_1",
            output_dir,
            caption="Nøgletal for seks kommuner, 2015 (VIVE 2017, Tabel 1.1)",
            labels=benchmarking.TABLE_1_1_COLUMNS,
            formats={
                "appeals_changed_share": lambda v: f"{100 * v:.0f} %",
                "budget_deviation_pct": lambda v: f"{v:.0f} %",
                "placed_per_1000_0_22": lambda v: f"{v:.1f}".replace(".", ","),
            },
        )
    )

# %% [markdown]
# De seks kommuners rækker er de offentliggjorte tal. Gennemsnitskommunen og største og mindste
# værdi er beregnet på de data, bogen er kørt på (VIVE: gennemsnit −3 %, forventet udgiftsbehov
# 9.899 kr., udgiftsniveau 9.747 kr., 36 % ændrede sager, 9,2 anbragte pr. 1.000).

# %% [markdown]
# ## Nøgletal for perioden

# %% tags=["remove-input"]
children, events, budget = report.rows("interventions"), report.rows("case_events"), report.rows("budget_assumptions")
if children.empty and events.empty:
    display(report.no_data(f"Der er hverken indsatser eller sagshændelser for {report.name} Kommune i data."))
else:
    kf = key_figures.key_figures(children, events, budget, report.period_start, report.period_end, report.municipality)
    display(key_figures_page.publish_key_figures(kf, output_dir, caption=f"Nøgletal, {report.period_da}"))

# %% [markdown]
# Anbragte og børn med forebyggende indsatser tælles ved periodens slutning efter deres højeste
# trin. Forbrug er den bevilgede månedlige udgift omregnet til dage i perioden. De dyreste 10 %
# vises kun som antal og andel af forbruget – aldrig som enkeltsager.

# %% [markdown]
# ## Distrikter

# %% tags=["remove-input"]
if children.empty:
    display(report.no_data(f"Der er ingen indsatser for {report.name} Kommune i data."))
else:
    districts = key_figures.district_figures(children, events, report.period_start, report.period_end)
    published = key_figures_page.publish_district_figures(
        districts, "district", output_dir, caption="Nøgletal pr. distrikt"
    )
    display(published)
    figures.show(
        figures.share_with_intervals(
            published.data,
            "district",
            "placed_share",
            "placed_share_ci_low",
            "placed_share_ci_high",
            f"Andel anbragte blandt børn med indsats pr. distrikt – {report.name}",
            "Andel anbragte (trin 4-6)",
            "Kilde: kommunens indsatsdata.",
        )
    )

# %% [markdown]
# Intervallerne viser, hvor meget andelen kunne variere alene på grund af tilfældigheder ved
# så få børn: distrikter, hvis intervaller overlapper, kan ikke siges at være forskellige.

# %% [markdown]
# ## Sagsbehandlere

# %% tags=["remove-input"]
if not children.empty and children["caseworker_id"].notna().any():
    workers = key_figures.district_figures(children, events, report.period_start, report.period_end, by="caseworker_id")
    display(
        key_figures_page.publish_district_figures(
            workers, "caseworker_id", output_dir, caption="Børn og forbrug pr. sagsbehandler"
        )
    )
else:
    display(report.no_data("Data angiver ikke sagsbehandlere."))

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
