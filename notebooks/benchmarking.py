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
# ---

# %% [markdown]
# # Benchmarking og nøgletal

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/benchmarking"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import benchmarking
from helpers.pipeline.session import open_report
from helpers.publishing import figures
from helpers.publishing.pages import benchmarking as page
from helpers.publishing.pages.key_figures import placements_by_district_da

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="benchmarking", run_config=run_config
)
display(report.header("Benchmarking og nøgletal"))
year = page.comparison_year(report)
has_comparison = "municipality_comparison" in report.specs
if has_comparison:
    summary = report.table("municipality_summary")
    display(report.key_messages(page.summary_da(summary.data, report.name, year)))

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
    everyone = report.table("municipality_comparison")
    display(report.note(page.year_da(report, year)), summary)
    if "municipality_over_years" in report.specs:
        display(report.table("municipality_over_years"))
    figures.show(
        figures.ranked_dots(
            everyone.data,
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
if "table_1_1" not in report.specs:
    display(report.no_data("Data indeholder ikke nøgletal for 2015 for de seks kommuner i VIVE's Tabel 1.1."))
else:
    display(report.table("table_1_1"))

# %% [markdown]
# De seks kommuners rækker er de offentliggjorte tal. Gennemsnitskommunen og største og mindste
# værdi er beregnet på de data, bogen er kørt på, over de samme 93 kommuner: de fem mindste
# kommuner efter befolkningstal er udeladt, som noten til VIVE's tabel siger (VIVE: gennemsnit
# −3 %, forventet udgiftsbehov 9.899 kr., udgiftsniveau 9.747 kr., 36 % ændrede sager, 9,2
# anbragte pr. 1.000). VIVE's kolonner «Budgetafvigelse 2013–2015» og «gns. 2010–2012» er
# udeladt: rapporten definerer dem ikke, og de kan ikke være gennemsnittet af årenes afvigelser
# (gennemsnitskommunen står til 0,0 i begge mod −3 % i 2015), så de kan ikke genberegnes.

# %% [markdown]
# ## Nøgletal for perioden

# %% tags=["remove-input"]
if "key_figures" not in report.specs:
    display(report.no_data(f"Der er hverken indsatser eller sagshændelser for {report.name} Kommune i data."))
else:
    display(report.table("key_figures"))
    basis = page.budget_basis_da(report)
    if basis:
        display(report.note(basis))
if "case_events_by_age" in report.specs:
    display(report.table("case_events_by_age"))
if "deadlines_by_type" in report.specs:
    display(report.table("deadlines_by_type"))

# %% [markdown]
# Anbragte og børn med forebyggende indsatser tælles ved periodens slutning efter deres højeste
# trin; anbringelsestypen er taget fra den indsats, der giver trinnet. Anbringelsesvarigheden
# måles pr. sammenhængende anbringelse (et skift fra plejefamilie til institution afslutter ikke
# anbringelsen), for alle anbringelser i gang i perioden; anbringelser, der stadig er i gang ved
# periodens slutning, indgår som censurerede, og varigheden er Kaplan-Meier-medianen med 95
# %-interval. Et gennemsnit af de anbringelser, der tilfældigvis sluttede i perioden, ville
# undervurdere varigheden; gennemsnit, korteste og længste varighed efter trin og målgruppe står
# på siden Indsatstrappen med det forbehold. Forbrug er den
# bevilgede månedlige udgift omregnet til dage i perioden. De særligt dyre sager er de dyreste
# 10 % af børnene med forbrug (kommunen kan vælge 10-15 %, som Socialstyrelsen foreslår; den
# valgte andel står i tabellen); de vises kun som antal, forbrug og prognose for året samlet –
# aldrig som enkeltsager. Fristerne vises hver for sig efter type
# (vurdering af en underretning inden for 24 timer, børnefaglig undersøgelse inden for 4
# måneder, genvurdering af en klage inden for 4 uger) og kun for hændelser, hvor det er
# registreret, om fristen blev holdt; de kan ikke lægges sammen til ét tal.

# %% [markdown]
# ## Distrikter

# %% tags=["remove-input"]
if "district_figures" not in report.specs:
    display(report.no_data(f"Der er ingen indsatser for {report.name} Kommune i data."))
else:
    published = report.table("district_figures")
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
    if "placements_by_district" in report.specs:
        placements = report.table("placements_by_district")
        display(report.paragraph(placements_by_district_da(placements)))
        display(placements)
    display(report.registration_practice())

# %% [markdown]
# Intervallerne viser, hvor meget andelen kunne variere alene på grund af tilfældigheder ved
# så få børn.

# %% [markdown]
# ## Sagsbehandlere
#
# Antal børn og forbrug pr. sagsbehandler indgår i nøgletallene som gennemsnit og median. Tal for
# den enkelte sagsbehandler offentliggøres ikke.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
