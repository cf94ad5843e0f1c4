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
# # Budgetopfølgning: volumen og pris

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/budget_followup"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.pipeline.session import open_report
from helpers.publishing import figures
from helpers.publishing.pages import budget as page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="budget_followup", run_config=run_config
)
display(report.header("Budgetopfølgning"))
years = page.budget_years(report)
missing = [y for y in page.period_years(report) if y not in years]
has_budget = "budget_variance" in report.specs

# %% tags=["remove-input"]
if not has_budget:
    all_years = page.years_da(page.period_years(report))
    display(report.no_data(f"Der er ingen budgetforudsætninger for {report.name} Kommune for {all_years}.", page=True))
else:
    variance = report.table("budget_variance")
    summary = report.table("budget_summary")
    lines = [line for y in reversed(years) for line in page.key_messages(variance, y, summary, report.period_end)]
    display(report.key_messages(lines))
    if missing:
        display(report.note(f"Der er ingen budgetforudsætninger for {page.years_da(missing)}; de år er ikke med."))

# %% [markdown]
# VIVE anbefaler, at budgetopfølgningen skiller en afvigelse ad i to: *flere indsatser end
# budgetteret* (volumen) og *en højere gennemsnitspris end budgetteret* (pris). Siden gør det
# for hvert trin på indsatstrappen i hvert af periodens kalenderår, ud fra de indsatser, der var
# bevilget ved periodens slutning.

# %% tags=["remove-input"]
if has_budget:
    display(summary)

# %% [markdown]
# Budgetafvigelsen er opgjort som hos VIVE: (budget − forbrug) / budget. En positiv afvigelse er
# et *mindreforbrug* (der bruges mindre end budgetteret), en negativ et *merforbrug*.
# Budgetpræcisionen er afvigelsen uanset retning: hvor tæt forbruget rammer budgettet.

# %% [markdown]
# Socialstyrelsens nøgletal følger det forebyggende område (trin 1–3) og anbringelserne
# (trin 4–6) hver mod sit eget budget. Et områdes budget er budgetforudsætningerne for dets
# trin. Budgetrækker, der ikke er givet pr. trin, tæller kun med i «I alt»; har et år sådanne
# rækker, vises områderne uden budget, for rækken kan høre til begge.

# %% tags=["remove-input"]
if has_budget:
    display(report.table("budget_by_group"))

# %% [markdown]
# Socialstyrelsen holder også egne foranstaltninger og køb af foranstaltninger hos andre
# kommuner, regioner og private leverandører hver op imod sit budget, og KORA følger Aalborg
# Kommunes budget pr. distrikt. Det kræver, at budgetforudsætningerne er fordelt på leverandør
# eller distrikt. Indsatser uden oplyst leverandør eller distrikt står for sig, uden budget.

# %% tags=["remove-input"]
if has_budget:
    for split in ("budget_by_provider", "budget_by_district"):
        if split in report.specs:
            display(report.table(split))
    for line in page.missing_splits_da(report):
        display(report.note(line))

# %% [markdown]
# Socialstyrelsen opgør ressourceforbruget pr. foranstaltningstype med både udgifter og
# indtægter, fx når kommunen sælger pladser i egne tilbud, og eventuelt hvor meget af årets
# forbrug der vedrører tidligere år. Indtægterne og forbruget vedrørende tidligere år kommer fra
# kommunens regnskab, ikke fra indsatserne.

# %% tags=["remove-input"]
if has_budget:
    if "resource_use_by_step" in report.specs:
        display(report.table("resource_use_by_step"))
    else:
        display(report.note(page.NO_ACCOUNTS_DA))

# %% tags=["remove-input"]
if has_budget:
    for year in years:
        display(report.subheading(page.year_heading(report, year)))
        display(variance.part(page.rows_of(variance, year), caption=f"Budget og forbrug pr. trin, {year}"))
        figures.show(
            figures.waterfall(
                page.waterfall_rows(variance, year),
                f"Fra budget til forbrug {year} – {report.name}",
                f"Kilde: {report.name} Kommunes indsatsdata og budgetforudsætninger.",
            )
        )

# %% [markdown]
# ## Definitioner
#
# - **Helårsforanstaltninger** (faktisk antal): dage med aktive indsatser i året divideret med årets dage.
# - **Faktisk forbrug**: månedlig udgift × 12 × aktive dage i året / årets dage for de indsatser, der var
#   bevilget ved periodens slutning, til deres registrerede slutdato (uden slutdato: året ud). For et
#   igangværende år er det forbrug + disponerede indsatser, samme tal som på de andre sider.
# - **Volumeneffekt** = (faktisk antal − budgetteret antal) × budgetteret enhedspris.
# - **Priseffekt** = (faktisk enhedspris − budgetteret enhedspris) × faktisk antal.
# - Volumen + pris = merforbrug = faktisk forbrug − budget (negativ: mindreforbrug).
# - **Budgetafvigelse (%)** = (budget − faktisk forbrug) / budget × 100, VIVEs fortegn: positiv =
#   mindreforbrug, negativ = merforbrug. **Budgetpræcision (%)**: afvigelsen uanset retning.
#
# Tabellen viser beløb og helårsforanstaltninger, ikke antal personer.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
