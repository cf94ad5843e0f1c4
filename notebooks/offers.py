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
# # Tilbud, plejefamilier og distrikter

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/offers"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.pipeline.session import open_report
from helpers.publishing import figures
from helpers.publishing.pages import offers as page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="offers", run_config=run_config
)
display(report.header("Tilbud, plejefamilier og distrikter"))
source = f"Kilde: {report.name} Kommunes indsatsdata{' (syntetiske)' if report.synthetic else ''}."
offer_table = report.table("offer_prices") if "offer_prices" in report.specs else None
foster = report.table("foster_care") if "foster_care" in report.specs else None
themes = report.table("district_themes") if "district_themes" in report.specs else None
supervised = report.table("supervision_outcomes") if "supervision_outcomes" in report.specs else None
if offer_table is None and foster is None and themes is None and supervised is None:
    display(
        report.no_data(
            f"Der er ingen indsatser med tilbud, plejeløn eller distrikt og ingen tilsyn for {report.name} Kommune "
            "i perioden.",
            page=True,
        )
    )
else:
    lines = []
    for table, messages in ((offer_table, page.offer_messages), (foster, page.foster_messages)):
        if table is not None:
            lines += messages(table)
    if themes is not None:
        lines += page.theme_messages(themes)
    display(report.key_messages(lines))

# %% [markdown]
# Siden samler tre af de temaer, som kommunerne i KL's og KORA's projekt om styringsdata tager op
# med faglige ledere og sagsbehandlere: priserne på sammenlignelige tilbud holdt op mod en
# «normalpris» (Ishøj), plejefamilieområdet opdelt på plejeløn, tillægsydelser og egenbetaling,
# og distrikternes brug af støtte i hjemmet, aflastning, kontaktpersoner og familiebehandling (Esbjerg),
# og så kommunens tilsyn med tilbuddene: hvor mange tilsyn godkendte, og hvorfor de øvrige ikke gjorde
# (Socialstyrelsens nøgletal).

# %% [markdown]
# ## Tilbud og normalpriser

# %% tags=["remove-input"]
if offer_table is None:
    display(
        report.no_data(
            f"Der er ingen indsatser med et tilbud (offer_id eller offer_name) for {report.name} Kommune i perioden."
        )
    )
else:
    display(offer_table)
    if page.left_out_types(report):
        display(report.note("Indsatstyper med under 5 børn i perioden er ikke med i tabellen."))
    figures.show(
        figures.offer_dots(
            page.offer_points(offer_table),
            f"Tilbuddenes månedspris i forhold til normalprisen – {report.name}",
            source + " Normalprisen er medianen for indsatstypen; tilbud med under 5 børn er samlet i «Øvrige tilbud».",
        )
    )

# %% [markdown]
# ## Plejefamilier og netværkspleje

# %% tags=["remove-input"]
if foster is None:
    display(
        report.no_data(
            f"Der er ingen anbringelser i netværkspleje eller plejefamilie med plejeløn og distrikt for "
            f"{report.name} Kommune i perioden."
        )
    )
else:
    note = page.period_note(foster)
    if note:
        display(report.note(note))
    display(foster)
    figures.show(
        figures.amount_bars(
            page.foster_amounts(foster),
            f"Gennemsnit pr. anbringelse og måned, {int(foster.data['year'].max())} – {report.name}",
            source,
        )
    )

# %% [markdown]
# ## Distrikternes brug af forebyggende indsatser

# %% tags=["remove-input"]
if themes is None:
    missing = "distrikter" if not page.has_districts(report.rows("interventions")) else "befolkningstal pr. distrikt"
    if report.rows("interventions").empty:
        missing = "indsatser"
    display(report.no_data(f"Der er ingen {missing} for {report.name} Kommune i data."))
else:
    year = page.population_year(report)
    if year != report.period_end.year:
        display(
            report.note(
                f"Der er ingen befolkningstal pr. distrikt for {report.period_end.year}; tallene for {year} er brugt."
            )
        )
    display(themes)
    figures.show(
        figures.rates_with_intervals(
            page.theme_rates(themes),
            f"Børn med indsatsen pr. 1.000 0-22-årige – {report.name}",
            source + " Streger: 95 %-interval (eksakt Poisson). Lodret streg: kommunen i alt.",
        )
    )
    display(report.registration_practice())

# %% [markdown]
# ## Tilsyn med tilbuddene

# %% tags=["remove-input"]
if supervised is None:
    missing = f"Der er ingen registrerede tilsyn (tabellen supervisions) for {report.name} Kommune i perioden."
    display(report.no_data(missing))
else:
    display(supervised)

# %% [markdown]
# ## Definitioner
#
# - **Tilbud**: indsatsens tilbud eller leverandør (`offer_id`, ellers `offer_name`). Med er indsatser med et
#   tilbud, som er aktive på et tidspunkt i perioden.
# - **Indsatstype**: for anbringelser (trin 4-6) anbringelsestypen fra kortlægningen (fx «plejefamilie,
#   almindelig»); for forebyggende indsatser (trin 1-3) indsatsens art ud fra teksten eller paragraffen
#   (støtte i hjemmet, aflastning, kontaktperson, familiebehandling, dagbehandling, rådgivning, grupper),
#   ellers indsatsens navn.
# - **Månedspris** for et tilbud: medianen af den månedlige udgift for tilbuddets indsatser.
# - **Normalpris**: medianen af den månedlige udgift for alle indsatstypens indsatser. Gennemsnitsprisen
#   vises ved siden af; den trækkes op af enkelte meget dyre indsatser (Ishøj: «normalpriser kontra
#   gennemsnitspriser»).
# - **Mod normalprisen**: (tilbuddets månedspris / normalprisen − 1) × 100 %.
# - **Tilbuddenes priser**: 25 %-, 50 %- og 75 %-fraktilen af de navngivne tilbuds månedspriser (når der er
#   mindst to).
# - **Øvrige tilbud**: tilbud med under 5 børn i perioden, samlet pr. indsatstype, så intet tilbud står med sit
#   navn ved et antal på 1-4.
# - **Plejefamilier og netværkspleje**: anbringelser med anbringelsestypen netværkspleje eller plejefamilie og en
#   registreret plejeløn, aktive i året (den del af året, der ligger i perioden; ved en periode under et år også
#   hele året før). Plejeløn, tillægsydelser og egenbetaling er gennemsnit pr. anbringelse og måned; mangler
#   tillægsydelser eller egenbetaling, regnes de som 0 kr.
# - **Pr. 1.000 0-22-årige**: børn med en aktiv indsats af typen i perioden i distriktet / distriktets
#   0-22-årige × 1.000, med befolkningstallet for periodens slutår (eller det seneste år før). Intervallet er
#   det eksakte Poisson-interval for antallet divideret med befolkningstallet.
# - **Tilsyn**: kommunens (driftsorienterede) tilsyn med de tilbud, den bruger, fra tabellen `supervisions`; et
#   tilsyn tæller i perioden for sin dato. Andelen godkendt har et 95 %-Wilson-interval. Et tilsyn, der ikke
#   godkendte uden en registreret begrundelse, står som «Ingen begrundelse registreret».
#
# Antal, beløb, priser og rater vises kun, når de bygger på mindst 5 børn (tilsyn: 5 tilsyn) og ikke sammen
# med andre viste tal afslører et mindre tal.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
