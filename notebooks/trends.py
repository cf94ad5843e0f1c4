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
# # Udvikling: månedlige nøgletal og prognose

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/trends"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.pipeline.session import open_report
from helpers.publishing import figures, tables
from helpers.publishing.pages import trends as page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="trends", run_config=run_config
)
display(report.header("Udvikling"))
has_data = "trends" in report.specs
source = f"Kilde: {report.name} Kommunes indsats- og sagsdata{' (syntetiske)' if report.synthetic else ''}."
if not has_data:
    display(
        report.no_data(f"Der er hverken indsatser eller sagshændelser for {report.name} Kommune i data.", page=True)
    )
else:
    monthly = report.table("trends")
    forecast = report.table("forecast") if "forecast" in report.specs else None
    goals = report.table("targets") if "targets" in report.specs else None
    targets = report.rows("targets")
    years = sorted({report.period_start.year - 1, *range(report.period_start.year, report.period_end.year + 1)})
    backtest = report.table("forecast_backtest") if "forecast_backtest" in report.specs else None
    display(report.key_messages(page.key_messages(monthly, forecast, report.name, report.period_end, goals, backtest)))

# %% [markdown]
# Siden viser udviklingen måned for måned i perioden (kvartal for kvartal, når perioden er over
# to år) og de samme måneder året før, så hver måned kan sammenholdes med året før, sådan som
# Socialstyrelsens nøgletal og kommunernes ledelsesinformation lægger op til.

# %% [markdown]
# ## Nøgletal ved periodens udgang

# %% tags=["remove-input"]
if has_data:
    display(
        tables.view(
            page.overview(monthly),
            "Periodens sidste måned og samme måned året før",
            monthly.note(),
        ),
        monthly.downloads("Hent alle månedstal"),
    )
    if goals is not None:
        display(goals)

# %% [markdown]
# ## Anbragte børn og unge

# %% tags=["remove-input"]
if has_data:
    figures.show(
        figures.monthly_lines(
            page.series(monthly, "placed_children", ["I alt"]),
            f"Anbragte børn og unge (trin 4–6) ved månedens udgang – {report.name}",
            "Børn og unge",
            source,
            targets=page.target_lines(targets, "placed_children", "I alt", years),
        )
    )
    figures.show(
        figures.monthly_lines(
            page.series(monthly, "placed_children", page.PLACED_STEPS, report.period_start),
            f"Anbragte efter trin – {report.name}",
            "Børn og unge",
            source,
            hue="group",
        )
    )

# %% [markdown]
# ## Til- og afgang

# %% tags=["remove-input"]
if has_data:
    for figure, label in (
        ("new_placements", "Nye anbringelser i måneden"),
        ("ended_placements", "Afsluttede anbringelser i måneden"),
        ("preventive_started", "Børn, der begyndte en forebyggende indsats"),
    ):
        figures.show(figures.monthly_lines(page.series(monthly, figure), f"{label} – {report.name}", "Børn", source))

# %% [markdown]
# ## Forbrug og priser

# %% tags=["remove-input"]
if has_data:
    figures.show(
        figures.monthly_lines(
            page.series(monthly, "spending", ["anbringelser", "forebyggende"], report.period_start),
            f"Forbrug i måneden: anbringelser og forebyggelse – {report.name}",
            "Kr.",
            source,
            hue="group",
        )
    )

# %% [markdown]
# ## Sagsbehandling

# %% tags=["remove-input"]
if has_data:
    figures.show(
        figures.monthly_lines(
            page.series(monthly, "notifications"), f"Underretninger i måneden – {report.name}", "Underretninger", source
        )
    )

# %% [markdown]
# ## Prognose for året
#
# Prognosen tager udgangspunkt i forbruget indtil nu og de bevilgede indsatser året ud. Dertil
# lægges de nye indsatser, der kan forventes ud fra de seneste tolv måneders tilgang og den
# gennemsnitlige pris for en ny indsats, og fra trækkes de ophør, der kan forventes ud fra, hvor
# længe indsatser plejer at vare (Kaplan–Meier-overlevelse, hvor igangværende indsatser tæller
# som censurerede). Båndet er et 95 %-bånd for tilgang og varighed.

# %% tags=["remove-input"]
if "forecast" in report.specs:
    display(forecast)
if "forecast_backtest" in report.specs:
    display(backtest)
elif has_data:
    display(report.no_data("Der er ikke et helt kalenderår i data at afprøve prognosen på."))

# %% [markdown]
# Afprøvningen laver prognosen ved hver måneds udgang i et afsluttet år ud fra de data, der var
# kendt på det tidspunkt, og sammenligner med, hvad året endte med.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
