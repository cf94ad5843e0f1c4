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
# # Indsatstrappen: børns bevægelser mellem to datoer

# %% tags=["parameters", "remove-cell"]
municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/staircase"
run_config = {}  # how the runner runs this page (Report.run_config); empty when run on its own

# %% tags=["remove-input"]
from IPython.display import display

from helpers.analyses import staircase
from helpers.pipeline.session import open_report
from helpers.publishing import figures
from helpers.publishing.pages import staircase as page

report = open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook="staircase", run_config=run_config
)
has_data = "staircase_summary" in report.specs
source = (
    f"Kilde: {report.name} Kommunes indsatsdata{' (syntetiske)' if report.synthetic else ''}; "
    "beregning som i KORA's analyse af Aalborg."
)
display(report.header("Indsatstrappen"))

# %% tags=["remove-input"]
if not has_data:
    display(
        report.no_data(
            f"Der er ingen børn med en aktiv indsats i {report.name} Kommune ved periodens start eller "
            "slutning, så der er ingen bevægelser at vise.",
            page=True,
        )
    )
else:
    summary = report.table("staircase_summary")
    display(report.key_messages(page.key_messages(summary, report.period_start, report.period_end)))

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
if has_data:
    flow = report.table("flow_table")
    display(flow)
    display(report.table("transitions").downloads("Samme tal i lang form (fra trin, til trin, børn)"))
    display(summary.downloads("Tallene i hovedbudskaberne"))

# %% [markdown]
# ## Hvor ender børnene fra hvert trin?

# %% tags=["remove-input"]
if has_data:
    figures.show(
        figures.flow_heatmap(
            flow.data,
            f"Andel af børnene på hvert trin, der er på hvert trin ved periodens slutning – {report.name}",
            source,
        )
    )

# %% [markdown]
# Felterne viser, hvor stor en andel af børnene på et trin (rækken), der ved periodens slutning
# er på hvert trin (kolonnen); tallet i parentes er antallet af børn. Grå felter med «..» er
# ikke vist af hensyn til diskretion.

# %% [markdown]
# ## Ned, samme eller op – med usikkerhed
#
# Andelene er beregnet for hvert starttrin. Stregerne er 95 %-konfidensintervaller for de tre
# andele samlet (Goodmans multinomiale intervaller): jo færre børn på et trin, jo bredere
# interval, og små forskelle mellem trin eller perioder bør ikke tillægges vægt.

# %% tags=["remove-input"]
if has_data:
    shares = report.table("movement_shares")
    display(shares)
    figures.show(figures.movement_bars(shares.data, f"Bevægelser på trappen – {report.name}", source))

# %% [markdown]
# ## Opdelt på distrikt, målgruppe og alder
#
# Samme beregning for hver gruppe, men for trappens to dele: de forebyggende trin 1–3 og
# anbringelserne på trin 4–6 (retningen er stadig barnets bevægelse fra sit eget trin). Pr. trin
# ville de fleste grupper hvile på færre end 5 børn og ikke kunne vises. Barnets distrikt,
# målgruppe og alder er taget fra den indsats, der bestemmer barnets trin ved periodens start
# (alder ved periodens start). Tal, der bygger på eller kan afsløre færre end 5 børn, vises som
# «..».

# %% tags=["remove-input"]
for by, label in staircase.BREAKDOWNS.items():
    if not has_data:
        break
    display(report.subheading(label))
    table = report.table(f"movement_shares_by_{by}")
    display(table)
    figures.show(
        figures.movement_bars(table.data, f"Bevægelser på trappen efter {label.lower()} – {report.name}", source, by=by)
    )
if has_data:
    display(report.registration_practice())

# %% [markdown]
# ## Nye anbringelser
#
# Børn, der blev anbragt i perioden uden at have været anbragt dagen før, efter trin, målgruppe
# og alder ved anbringelsens start, som Socialstyrelsens nøgletal for nyanbringelser opdeler dem.
# Rækkerne «I alt» er margenerne: trin, målgruppe og alder hver for sig og i alt. Et barn, der er
# anbragt på ny to gange i perioden, tælles én gang i hver celle, det hører til.

# %% tags=["remove-input"]
if "new_placements" in report.specs:
    new_placements = report.table("new_placements")
    display(report.paragraph(page.new_placements_da(new_placements)))
    display(new_placements)
else:
    display(report.no_data(f"Ingen børn blev anbragt på ny i {report.name} Kommune i perioden."))

# %% [markdown]
# ## Varighed af anbringelser og forebyggende indsatser
#
# Et forløb er et barns anbringelser (trin 4–6) eller forebyggende indsatser (trin 1–3) lagt
# sammen, når de overlapper eller følger lige efter hinanden: et skift fra plejefamilie til
# institution afslutter ikke anbringelsen. Rækkerne pr. trin følger i stedet barnets ophold på
# ét trin. Målgruppen er den, forløbets første indsats er bevilget til.
#
# **Medianen** er det tal, varigheden bør læses på: halvdelen af forløbene varer højst så
# længe. Den er beregnet med Kaplan-Meier over alle forløb i gang i perioden, så også de lange
# forløb, der ikke er slut endnu, tæller med. **Gennemsnit, korteste og længste** er
# Socialstyrelsens nøgletal over de forløb, der sluttede i perioden; de overvægter korte forløb,
# fordi et langt forløb sjældnere slutter i en given periode. Korteste og længste er ét barns
# forløb og vises i hele måneder, og kun når mindst 5 børn har et forløb af den længde.

# %% tags=["remove-input"]
if "durations" in report.specs:
    durations = report.table("durations")
    display(report.paragraph(page.durations_da(durations)))
    display(durations)
else:
    display(report.no_data(f"Ingen børn i {report.name} Kommune havde en indsats i perioden."))

# %% [markdown]
# ### Varighed pr. anbringelsestype
#
# Samme tal for hver anbringelsestype, så de lange anbringelser på institution kan følges
# (VIVE). Et forløb følger her barnets anbringelser af samme type; typen er den, kommunens
# foranstaltning svarer til i oversigten over paragraffer (metodesiden).

# %% tags=["remove-input"]
if "placement_durations_by_type" in report.specs:
    display(report.table("placement_durations_by_type"))
else:
    display(
        report.no_data(
            f"Ingen anbringelser i {report.name} Kommune i perioden har en anbringelsestype, "
            "så varigheden kan ikke opdeles på type."
        )
    )

# %% [markdown]
# ## Definitioner
#
# - Et barn er **aktivt** på en dato, når indsatsen er startet senest den dag og enten ikke er
#   afsluttet eller afsluttes samme dag eller senere.
# - Barnets **trin** på en dato er det højeste trin blandt barnets aktive indsatser den dag.
# - Trinene er: 1 Tidlig indsats (§11, stk. 3) · 2 Forebyggende · 3 Hjemmebaseret indsats ·
#   4 Netværkspleje · 5 Plejefamilie (også eget værelse/kollegium og kost-/efterskole) ·
#   6 Institution. Et skift fra institution til eget værelse er et skridt ned ad trappen.
# - Foranstaltningen oversættes til et trin efter serviceloven § 52, stk. 3 (til 2023) og barnets
#   lov (fra 2024); se Data og metode.
# - Alder: «23 år og derover» er børn, der er ældre end 22 år; «Ukendt» er kun børn uden fødselsdato.
# - Tal, der er 1–4, bygger på 1–4 børn eller sammen med de viste tal ville afsløre et sådant tal,
#   vises som «..» (diskretioneret). Metoden er beskrevet under Data og metode.

# %% tags=["remove-input"]
display(
    report.footer(
        {"municipality": municipality, "period_start": period_start, "period_end": period_end, "data_dir": data_dir}
    )
)
