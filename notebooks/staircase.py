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
#       interventions: municipality
# ---

# %% [markdown]
# # Indsatstrappen: børns bevægelser mellem to datoer

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/staircase"

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import staircase
from helpers.publishing import figures
from helpers.publishing.pages import staircase as page
from helpers.publishing.report import open_report

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="staircase")
result = staircase.analyse(report.rows("interventions"), report.period_start, report.period_end)
source = (
    f"Kilde: {report.name} Kommunes indsatsdata{' (syntetiske)' if report.synthetic else ''}; "
    "beregning som i KORA's analyse af Aalborg."
)
display(report.header("Indsatstrappen"))

# %% tags=["remove-input"]
if result.empty:
    display(
        report.no_data(
            f"Der er ingen børn med en aktiv indsats i {report.name} Kommune ved periodens start eller "
            "slutning, så der er ingen bevægelser at vise."
        )
    )
else:
    display(report.key_messages(page.summary_da(result)))

# %% [markdown]
# Siden følger de børn og unge, der havde en indsats ved periodens start, og viser, hvor de er
# ved periodens slutning: på samme trin, højere eller lavere på trappen, eller ude af
# indsatserne. Børn, der fik deres første indsats i perioden, tælles for sig. Metoden er den,
# KORA brugte i Aalborg (februar → august 2016).

# %% [markdown]
# ## Flowtabel
#
# Rækkerne er trinnet ved periodens start, kolonnerne trinnet ved periodens slutning. "Ned ad
# trappen" omfatter ophørte børn og børn, der er flyttet til et lavere trin; "Op ad trappen"
# omfatter også børn, der fik en indsats i perioden (række 0).

# %% tags=["remove-input"]
if not result.empty:
    flow, transitions, shares = page.publish_flows(
        result, output_dir, caption=f"Unikke børn pr. trin, {report.period_da}"
    )
    display(flow)
    display(transitions.downloads("Samme tal i lang form (fra trin, til trin, børn)"))

# %% [markdown]
# ## Hvor ender børnene fra hvert trin?

# %% tags=["remove-input"]
if not result.empty:
    figures.show(
        figures.flow_heatmap(
            flow.data,
            f"Andel af børnene på hvert trin, der er på hvert trin ved periodens slutning – {report.name}",
            source,
        )
    )

# %% [markdown]
# Felterne viser, hvor stor en andel af børnene på et trin (rækken), der ved periodens slutning
# er på hvert trin (kolonnen); tallet i parentes er antallet af børn. Grå felter uden tal dækker
# over færre end 5 børn.

# %% [markdown]
# ## Ned, samme eller op – med usikkerhed
#
# Andelene er beregnet for hvert starttrin. Stregerne er 95 %-konfidensintervaller for de tre
# andele samlet (Goodmans multinomiale intervaller): jo færre børn på et trin, jo bredere
# interval, og små forskelle mellem trin eller perioder bør ikke tillægges vægt.

# %% tags=["remove-input"]
if not result.empty:
    display(shares)
    figures.show(figures.movement_bars(shares.data, f"Bevægelser på trappen – {report.name}", source))

# %% [markdown]
# ## Opdelt på distrikt, målgruppe og alder
#
# Samme beregning for hver gruppe. Barnets distrikt, målgruppe og alder er taget fra den
# indsats, der bestemmer barnets trin ved periodens start (alder ved periodens start).
# Grupper med færre end 5 børn på et trin vises ikke.

# %% tags=["remove-input"]
for by, label in staircase.BREAKDOWNS.items():
    if result.empty:
        break
    display(report.subheading(label))
    table = page.publish_breakdown(result, by, output_dir, overall=shares)
    display(table)
    figures.show(
        figures.movement_bars(table.data, f"Bevægelser på trappen efter {label.lower()} – {report.name}", source, by=by)
    )

# %% [markdown]
# ## Definitioner
#
# - Et barn er **aktivt** på en dato, når indsatsen er startet senest den dag og enten ikke er
#   afsluttet eller afsluttes samme dag eller senere.
# - Barnets **trin** på en dato er det højeste trin blandt barnets aktive indsatser den dag.
# - Trinene er: 1 Tidlig indsats (§11, stk. 3) · 2 Forebyggende · 3 Hjemmebaseret indsats ·
#   4 Netværkspleje · 5 Plejefamilie · 6 Institution.
# - Tal under 5 er diskretioneret efter Danmarks Statistiks regel og vises som «<5».

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
