"""Write the notebook templates in notebooks/ (run once by developers; output is committed).

Keeping the templates as code makes review easy and the JSON canonical.
"""

import nbformat as nbf
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAMS = '''municipality = 851
period_start = "2016-02-01"
period_end = "2016-08-01"
data_dir = "data/synthetic"
output_dir = "output/{name}"'''


def md(text):
    return nbf.v4.new_markdown_cell(text.strip())


def code(text, *tags):
    cell = nbf.v4.new_code_cell(text.strip())
    cell.metadata["tags"] = list(tags) or ["remove-input"]
    return cell


# What each notebook reads: table -> "municipality" (only the focal municipality's rows) or
# "all" (every row). The runner's cache and the page's data fingerprint both use it.
READS = {
    "staircase": {"interventions": "municipality"},
    "benchmarking": {"municipality_figures": "all", "interventions": "municipality", "case_events": "municipality",
                     "budget_assumptions": "municipality"},
    "budget_followup": {"interventions": "municipality", "budget_assumptions": "municipality"},
    "adult_prices": {"adult_registrations": "all"},
    "goal_attainment": {"adult_registrations": "all"},
}


def footer():
    """The last cell of every report: parameters and the data fingerprint."""
    return code('''
display(report.footer({"municipality": municipality, "period_start": period_start,
                       "period_end": period_end, "data_dir": data_dir}))
''')


def notebook(name, cells):
    nb = nbf.v4.new_notebook()
    nb.metadata["reportbook"] = {"reads": READS[name]}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    params = code(PARAMS.format(name=name), "parameters", "remove-cell")
    nb.cells = [cells[0], params] + cells[1:]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i:02d}"
    nbf.write(nb, ROOT / "notebooks" / f"{name}.ipynb")


notebook("staircase", [
    md("# Indsatstrappen: børns bevægelser mellem to datoer"),
    code('''
from IPython.display import display
from helpers import plots, staircase
from helpers.report import open_report

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="staircase")
result = staircase.analyse(report.rows("interventions"), report.period_start, report.period_end)
source = f"Kilde: {report.name} Kommunes indsatsdata{' (syntetiske)' if report.synthetic else ''}; beregning som i KORA's analyse af Aalborg."
display(report.header("Indsatstrappen"))
'''),
    code('''
if result.empty:
    display(report.no_data(f"Der er ingen børn med en aktiv indsats i {report.name} Kommune ved periodens start eller slutning, så der er ingen bevægelser at vise."))
else:
    display(report.key_messages(staircase.summary_da(result)))
'''),
    md('''
Siden følger de børn og unge, der havde en indsats ved periodens start, og viser, hvor de er
ved periodens slutning: på samme trin, højere eller lavere på trappen, eller ude af
indsatserne. Børn, der fik deres første indsats i perioden, tælles for sig. Metoden er den,
KORA brugte i Aalborg (februar → august 2016).
'''),
        md('''
## Flowtabel

Rækkerne er trinnet ved periodens start, kolonnerne trinnet ved periodens slutning. "Ned ad
trappen" omfatter ophørte børn og børn, der er flyttet til et lavere trin; "Op ad trappen"
omfatter også børn, der fik en indsats i perioden (række 0).
'''),
    code('''
if not result.empty:
    flow, transitions, shares = staircase.publish_flows(result, output_dir, caption=f"Unikke børn pr. trin, {report.period_da}")
    display(flow)
    display(transitions.downloads("Samme tal i lang form (fra trin, til trin, børn)"))
'''),
    md("## Hvor ender børnene fra hvert trin?"),
    code('''
if not result.empty:
    plots.show(plots.flow_heatmap(flow.data, f"Andel af børnene på hvert trin, der er på hvert trin ved periodens slutning – {report.name}", source))
'''),
    md('''
Felterne viser, hvor stor en andel af børnene på et trin (rækken), der ved periodens slutning
er på hvert trin (kolonnen); tallet i parentes er antallet af børn. Grå felter uden tal dækker
over færre end 5 børn.
'''),
    md('''
## Ned, samme eller op – med usikkerhed

Andelene er beregnet for hvert starttrin. Stregerne er 95 %-konfidensintervaller for de tre
andele samlet (Goodmans multinomiale intervaller): jo færre børn på et trin, jo bredere
interval, og små forskelle mellem trin eller perioder bør ikke tillægges vægt.
'''),
    code('''
if not result.empty:
    display(shares)
    plots.show(plots.movement_bars(shares.data, f"Bevægelser på trappen – {report.name}", source))
'''),
    md('''
## Opdelt på distrikt, målgruppe og alder

Samme beregning for hver gruppe. Barnets distrikt, målgruppe og alder er taget fra den
indsats, der bestemmer barnets trin ved periodens start (alder ved periodens start).
Grupper med færre end 5 børn på et trin vises ikke.
'''),
    code('''
for by, label in staircase.BREAKDOWNS.items():
    if result.empty:
        break
    display(report.subheading(label))
    table = staircase.publish_breakdown(result, by, output_dir, overall=shares)
    display(table)
    plots.show(plots.movement_bars(table.data, f"Bevægelser på trappen efter {label.lower()} – {report.name}", source, by=by))
'''),
    md('''
## Definitioner

- Et barn er **aktivt** på en dato, når indsatsen er startet senest den dag og enten ikke er
  afsluttet eller afsluttes samme dag eller senere.
- Barnets **trin** på en dato er det højeste trin blandt barnets aktive indsatser den dag.
- Trinene er: 1 Tidlig indsats (§11, stk. 3) · 2 Forebyggende · 3 Hjemmebaseret indsats ·
  4 Netværkspleje · 5 Plejefamilie · 6 Institution.
- Tal under 5 er diskretioneret efter Danmarks Statistiks regel og vises som «<5».
'''),
    footer(),
])
notebook("benchmarking", [
    md("# Benchmarking og nøgletal"),
    code('''
from IPython.display import display
from helpers import benchmarking, key_figures, plots
from helpers.publish import publish
from helpers.report import open_report

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="benchmarking")
display(report.header("Benchmarking og nøgletal"))
figures = report.data.municipality_figures
year = benchmarking.benchmark_year(figures, report.municipality, report.period_end)
comparison = benchmarking.comparison(figures, report.municipality, year) if year else None
has_comparison = comparison is not None and bool(comparison["focal"].any())
summary = benchmarking.focal_summary(comparison) if has_comparison else None
if has_comparison:
    display(report.key_messages(benchmarking.summary_da(summary, report.name, year)))
'''),
    md('''
Siden sammenligner kommunen med landets øvrige kommuner på de offentlige nøgletal, som VIVE
brugte i sin analyse af styringen på det specialiserede børneområde, og viser kommunens egne
nøgletal for perioden – samlet, pr. distrikt og pr. sagsbehandler.
'''),
    md("## Kommunen sammenlignet med de andre kommuner"),
    code('''
if not has_comparison:
    display(report.no_data(f"Der er ingen offentlige nøgletal (municipality_figures) for {report.name} Kommune i data."))
else:
    everyone = publish(comparison, "municipality_comparison", output_dir)
    display(publish(summary, "municipality_summary", output_dir, caption=f"{report.name} og gennemsnitskommunen, {year}",
                    formats={"figure": lambda f: benchmarking.FIGURES[f]}))
    plots.show(plots.ranked_dots(comparison, benchmarking.FIGURES, f"{report.name} blandt landets kommuner, {year}",
                                 f"Kilde: kommunale nøgletal {year}{' (syntetiske bortset fra VIVE Tabel 1.1)' if report.synthetic else ''}."))
    display(everyone.downloads("Alle kommuners værdier og placeringer (lang form)"))
'''),
    md('''
Gennemsnitskommunen er det simple gennemsnit af kommunerne uden de fem mindste, som i VIVE's
Tabel 1.1. Forskelle mellem kommuner afspejler også forskelle i befolkning og behov, som
udgiftsbehovet kun delvist tager højde for; placeringen er derfor et udgangspunkt for
spørgsmål, ikke en dom.
'''),
    md("## VIVE's Tabel 1.1: seks kommuner i 2015"),
    code('''
table = benchmarking.table_1_1(figures)
if table.iloc[:6]["name"].isin(["Hvidovre", "Middelfart", "Horsens", "Kolding", "Syddjurs", "Mariagerfjord"]).sum() == 0:
    display(report.no_data("Data indeholder ikke nøgletal for 2015 for de seks kommuner i VIVE's Tabel 1.1."))
else:
    display(publish(table, "table_1_1", output_dir, caption="Nøgletal for seks kommuner, 2015 (VIVE 2017, Tabel 1.1)",
                    labels=benchmarking.TABLE_1_1_COLUMNS,
                    formats={"appeals_changed_share": lambda v: f"{100 * v:.0f} %", "budget_deviation_pct": lambda v: f"{v:.0f} %",
                             "placed_per_1000_0_22": lambda v: f"{v:.1f}".replace(".", ",")}))
'''),
    md('''
De seks kommuners rækker er de offentliggjorte tal. Gennemsnitskommunen og største og mindste
værdi er beregnet på de data, bogen er kørt på (VIVE: gennemsnit −3 %, forventet udgiftsbehov
9.899 kr., udgiftsniveau 9.747 kr., 36 % ændrede sager, 9,2 anbragte pr. 1.000).
'''),
    md("## Nøgletal for perioden"),
    code('''
children, events, budget = report.rows("interventions"), report.rows("case_events"), report.rows("budget_assumptions")
if children.empty and events.empty:
    display(report.no_data(f"Der er hverken indsatser eller sagshændelser for {report.name} Kommune i data."))
else:
    kf = key_figures.key_figures(children, events, budget, report.period_start, report.period_end, report.municipality)
    display(key_figures.publish_key_figures(kf, output_dir, caption=f"Nøgletal, {report.period_da}"))
'''),
    md('''
Anbragte og børn med forebyggende indsatser tælles ved periodens slutning efter deres højeste
trin. Forbrug er den bevilgede månedlige udgift omregnet til dage i perioden. De dyreste 10 %
vises kun som antal og andel af forbruget – aldrig som enkeltsager.
'''),
    md("## Distrikter"),
    code('''
if children.empty:
    display(report.no_data(f"Der er ingen indsatser for {report.name} Kommune i data."))
else:
    districts = key_figures.district_figures(children, events, report.period_start, report.period_end)
    published = key_figures.publish_district_figures(districts, "district", output_dir, caption="Nøgletal pr. distrikt")
    display(published)
    plots.show(plots.share_with_intervals(published.data, "district", "placed_share", "placed_share_ci_low", "placed_share_ci_high",
                                          f"Andel anbragte blandt børn med indsats pr. distrikt – {report.name}",
                                          "Andel anbragte (trin 4-6)", "Kilde: kommunens indsatsdata."))
'''),
    md('''
Intervallerne viser, hvor meget andelen kunne variere alene på grund af tilfældigheder ved
så få børn: distrikter, hvis intervaller overlapper, kan ikke siges at være forskellige.
'''),
    md("## Sagsbehandlere"),
    code('''
if not children.empty and children["caseworker_id"].notna().any():
    workers = key_figures.district_figures(children, events, report.period_start, report.period_end, by="caseworker_id")
    display(key_figures.publish_district_figures(workers, "caseworker_id", output_dir, caption="Børn og forbrug pr. sagsbehandler"))
else:
    display(report.no_data("Data angiver ikke sagsbehandlere."))
'''),
    footer(),
])

notebook("budget_followup", [
    md("# Budgetopfølgning: volumen og pris"),
    code('''
from IPython.display import display
from helpers import budget, plots
from helpers.publish import publish
from helpers.report import open_report

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="budget_followup")
display(report.header("Budgetopfølgning"))
year = report.period_end.year
children = report.rows("interventions")
assumptions = report.rows("budget_assumptions")
has_budget = (assumptions["year"] == year).any() if len(assumptions) else False
'''),
    code('''
if not has_budget:
    display(report.no_data(f"Der er ingen budgetforudsætninger for {report.name} Kommune for {year}."))
else:
    variance = budget.volume_price_split(children, assumptions, year)
    display(report.key_messages(budget.summary_da(variance, year)))
'''),
    md('''
VIVE anbefaler, at budgetopfølgningen skiller en afvigelse ad i to: *flere indsatser end
budgetteret* (volumen) og *en højere gennemsnitspris end budgetteret* (pris). Siden gør det
for hvert trin på indsatstrappen i periodens kalenderår, ud fra de bevilgede indsatser.
'''),
    md("## Afvigelsen pr. trin"),
    code('''
if has_budget:
    display(publish(variance, "budget_variance", output_dir, caption=f"Budget og forbrug pr. trin, {year}",
                    formats={c: lambda v: f"{v:,.0f}".replace(",", ".") for c in variance.columns if c != "step"}))
    plots.show(plots.waterfall(variance, f"Fra budget til forbrug {year} – {report.name}",
                               f"Kilde: {report.name} Kommunes indsatsdata og budgetforudsætninger."))
'''),
    md('''
## Definitioner

- **Helårsforanstaltninger** (faktisk antal): dage med aktive indsatser i året divideret med årets dage.
- **Faktisk forbrug**: månedlig udgift × 12 × aktive dage i året / årets dage. Indsatser uden slutdato regnes
  aktive året ud, så for et igangværende år er tallet en prognose ud fra de bevilgede indsatser.
- **Volumeneffekt** = (faktisk antal − budgetteret antal) × budgetteret enhedspris.
- **Priseffekt** = (faktisk enhedspris − budgetteret enhedspris) × faktisk antal.
- Volumen + pris = samlet afvigelse = faktisk forbrug − budget.

Tabellen viser beløb og helårsforanstaltninger, ikke antal personer.
'''),
    footer(),
])
notebook("adult_prices", [
    md("# Voksne efter §85 og §107: pris og timer"),
    code('''
from IPython.display import display
from helpers import adults, municipalities, plots, prices
from helpers.publish import publish
from helpers.report import open_report

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="adult_prices")
display(report.header("Pris og timer"))
registrations, units, pairs = adults.for_period(report.data.adult_registrations, report.period_start, report.period_end)
names = {int(c): municipalities.name(c) for c in units["municipality"].unique()}
source = f"Kilde: registreringer efter KL's SEP-metode{' (syntetiske)' if report.synthetic else ''}."
if units.empty:
    display(report.no_data("Der er ingen registreringer af voksne efter §85 eller §107 i perioden."))
else:
    display(report.key_messages(prices.summary_da(units, int((units["municipality"] == report.municipality).sum()), report.name)))
'''),
    md('''
Siden gentager og udbygger KL's analyse af borgere i §85- og §107-tilbud (SEP-projekt 9).
Prisen er dagsprisen for §107 og de bevilgede timer pr. måned for §85 – timer forbliver timer,
fordi timeprisen er forskellig fra kommune til kommune. Hver sag indgår med sin første
registrering i perioden. Tabellerne dækker alle kommuner i data; kommunen er fremhævet i
figurerne.
'''),
    md("## Pris og timer efter VUM-score"),
    code('''
if not units.empty:
    display(prices.publish_statistics(prices.price_by_vum(units), "price_by_vum", output_dir,
                                      caption="Dagspris (§107) og timer (§85) efter samlet VUM-score"))
    plots.show(plots.boxes_by(units, "vum_score", [0.0, 1.0, 2.0, 3.0, 3.5, 4.0], "Pris og timer efter VUM-score", source))
'''),
    md('''
Jo højere VUM-score (jo større funktionsnedsættelse), jo højere pris og flere timer. Spredningen
inden for hver score er stor, så VUM-scoren forklarer kun en del af forskellene. Grupper med
færre end 5 sager vises ikke.
'''),
    md("## Efter alder og målgruppe"),
    code('''
if not units.empty:
    display(prices.publish_statistics(prices.describe_by(units, ["age_group"]), "price_by_age", output_dir,
                                      caption="Efter alder ved registreringen"))
    plots.show(plots.boxes_by(units, "age_group", list(adults.AGE_GROUPS_40), "Pris og timer efter alder", source))
    display(prices.publish_statistics(prices.describe_by(units, ["target_group"]), "price_by_target_group", output_dir,
                                      caption="Efter målgruppe"))
'''),
    md("## Kommunerne – før og efter justering"),
    code('''
if not units.empty:
    display(prices.publish_statistics(prices.describe_by(units, ["municipality"]), "price_by_municipality", output_dir,
                                      caption="Efter kommune (ujusteret)", formats={"municipality": lambda c: f"{names.get(int(c), c)} ({c})"}))
    for service, label, percent in (("§107", "Forskel fra gennemsnitskommunen i dagspris (%)", True),
                                    ("§85", "Forskel fra gennemsnitskommunen (timer pr. måned)", False)):
        diffs = prices.municipality_differences(units, service)
        if diffs.empty:
            display(report.no_data(f"For få {service}-sager til at sammenligne kommunerne."))
            continue
        display(report.subheading(f"{service}: " + prices.adjustment_summary_da(diffs, service, names)))
        published = prices.publish_statistics_differences(diffs, service, output_dir, names)
        display(published)
        plots.show(plots.municipality_differences(published.data, report.municipality, names,
                                                  f"{service}: kommunernes forskel fra gennemsnittet", label, source, percent=percent))
'''),
    md('''
KL's rapport sammenlignede kommunerne uden at tage højde for, at borgerne har forskellige
VUM-scorer, aldre og målgrupper, og advarede om, at sammenligningen derfor er usikker. Her er
forskellene også beregnet med en regressionsmodel (OLS med robuste standardfejl), der
justerer for VUM-score, aldersgruppe og målgruppe. Et interval, der dækker 0, betyder, at
kommunen ikke kan skelnes fra gennemsnittet.
'''),
    md("## VUM-udvikling, forsørgelsesgrundlag og opfølgningsfrekvens"),
    code('''
if not pairs.empty:
    display(publish(prices.vum_change(pairs), "vum_change", output_dir, counts=["forbedret", "uændret", "forværret", "follow_ups"],
                    caption="VUM-score ved næste registrering efter score ved forrige (lavere = forbedret)",
                    labels={"vum_from": "VUM ved forrige", "follow_ups": "Opfølgninger"}))
if not units.empty:
    display(publish(prices.income_basis(units), "income_basis", output_dir, counts=["cases", "vum_cases"],
                    statistics={"share": "cases", "vum_mean": "vum_cases", "vum_ci_low": "vum_cases", "vum_ci_high": "vum_cases"},
                    caption="Forsørgelsesgrundlag og gennemsnitlig VUM-score (95 %-interval)",
                    labels={"income_basis": "Forsørgelsesgrundlag", "vum_cases": "Sager med VUM", "vum_mean": "Gns. VUM",
                            "vum_ci_low": "95 %-KI nedre", "vum_ci_high": "95 %-KI øvre"}))
if not pairs.empty:
    months = prices.months_between(pairs)
    published = publish(months, "months_between", output_dir, counts=["follow_ups"],
                        statistics={c: "follow_ups" for c in ("mean_months", "ci_low", "ci_high", "median_months")},
                        caption="Måneder mellem registreringer pr. kommune",
                        formats={"municipality": lambda c: f"{names.get(int(c), c)} ({c})"},
                        labels={"follow_ups": "Opfølgninger", "mean_months": "Gns. måneder", "median_months": "Median"})
    display(published)
'''),
    md('''
VUM-scoren ændrer sig sjældent fra en registrering til den næste. Opfølgningen sker i
gennemsnit hvert 10.–12. måned; intervallerne viser, om forskellen mellem kommunerne er større,
end tilfældigheder kan forklare.
'''),
    md("## VUM-bogstav og støttebogstav i København"),
    code('''
agreement = prices.letter_agreement(prices.records_from_crosstab(prices.published_support_letters()))
table = agreement["table"].reset_index()
display(publish(table, "kbh_vum_support_letter", output_dir, counts=list("ABCDE"),
                caption="Støttebogstav (rækker) mod almindeligt VUM-bogstav (kolonner), København, 912 borgere",
                labels={"support_letter": "Støttebogstav"}))
display(report.key_messages([
    f"{100 * agreement['diagonal_share']:.1f} % af borgerne har samme støttebogstav og VUM-bogstav.".replace(".", ","),
    f"Vægtet kappa (lineære vægte) er {agreement['kappa']:.2f} (95 %-interval {agreement['kappa_low']:.2f}–{agreement['kappa_high']:.2f}): god, men ikke fuld overensstemmelse.".replace(".", ","),
]))
'''),
    md('''
Tabellen er de offentliggjorte tal fra KL's rapport (ikke syntetiske); bogen genskaber den fra
enkeltregistreringer og måler overensstemmelsen. Borgere med støttebogstav F og G har et
lavere VUM-bogstav, fordi støttebogstavet også afspejler behov, som VUM-bogstavet ikke fanger.
'''),
    footer(),
])
notebook("goal_attainment", [
    md("# Voksne efter §85 og §107: mål og opfølgning"),
    code('''
from IPython.display import display
from helpers import adults, goals, municipalities, plots
from helpers.publish import publish
from helpers.report import open_report, pct1_da

report = open_report(municipality, period_start, period_end, data_dir, output_dir, notebook="goal_attainment")
display(report.header("Mål og opfølgning"))
registrations, units, pairs = adults.for_period(report.data.adult_registrations, report.period_start, report.period_end)
attainment = goals.attainment_by_municipality(registrations, report.period_start, report.period_end)
names = {int(c): municipalities.name(c) for c in registrations["municipality"].unique()}
source = f"Kilde: registreringer efter KL's SEP-metode{' (syntetiske)' if report.synthetic else ''}."
pct = pct1_da
mun = lambda c: f"{names.get(int(c), c)} ({c})"
if attainment.empty:
    display(report.no_data("Der er ingen opfølgninger med registreret målopfyldelse i perioden."))
else:
    display(report.key_messages(goals.summary_da(attainment, report.municipality, report.name)))
'''),
    md('''
Siden gentager og udbygger KL's analyse af mål og opfølgning for borgere i §85- og
§107-tilbud (SEP-projekt 9): om der er sat mål, hvilke, om de nås ved næste registrering, og
hvem der tager initiativ til opfølgningen. Hvor rapporten kun kunne sammenligne andele, viser
bogen også usikkerheden og en model, der tager højde for borgernes forskelle.
'''),
    md("## Målopfyldelse pr. kommune"),
    code('''
if not attainment.empty:
    published = goals.publish_attainment(attainment, output_dir, names)
    display(published)
    plots.show(plots.share_with_intervals(published.data.assign(name=published.data["municipality"].map(mun)), "name",
                                          "share_met_or_partly", "ci_low", "ci_high",
                                          "Andel opfølgninger, hvor målet er helt eller delvist opfyldt",
                                          "Andel helt eller delvist opfyldt", source, highlight=mun(report.municipality)))
'''),
    md('''
Målopfyldelsen er opgjort ved hver opfølgning (registrering nr. 2 og senere) i perioden: var
målet fra forrige registrering opfyldt? Intervallerne er 95 %-Wilson-intervaller; kommuner,
hvis intervaller overlapper, kan ikke siges at være forskellige.
'''),
    md("## Mål, måltyper og VUM-mål"),
    code('''
if not units.empty:
    display(publish(goals.goal_set_by_municipality(units), "goal_set_by_municipality", output_dir, counts=["cases", "goal_set"],
                    statistics={c: ("cases", "goal_set") for c in ("share", "ci_low", "ci_high")},
                    caption="Andel sager med et mål (første registrering i perioden)",
                    formats={"municipality": mun, "share": pct, "ci_low": pct, "ci_high": pct},
                    labels={"goal_set": "Med mål", "share": "Andel med mål"}))
    display(publish(goals.goal_types(units), "goal_types", output_dir, counts=["cases", "municipality_cases"],
                    totals={"cases": ("municipality", "municipality_cases")},
                    statistics={"share": ("cases", "municipality_cases")}, caption="Måltyper pr. kommune",
                    formats={"municipality": mun, "share": pct},
                    labels={"goal_type": "Måltype", "municipality_cases": "Sager med mål i kommunen"}))
    display(publish(goals.vum_and_target(units), "vum_and_target", output_dir, counts=["cases"],
                    statistics={"vum_mean": "cases", "vum_target_mean": "cases"},
                    caption="Gennemsnitlig VUM-score og VUM-mål (sager med et VUM-mål)",
                    formats={"municipality": mun}, labels={"vum_mean": "Gns. VUM", "vum_target_mean": "Gns. VUM-mål"}))
'''),
    md("## Målopfyldelse efter måltype og initiativ til opfølgning"),
    code('''
if not pairs.empty:
    display(publish(goals.attainment_by_goal_type(pairs), "attainment_by_goal_type", output_dir, counts=["follow_ups", "n"],
                    totals={"follow_ups": ("goal_type", "n")},
                    statistics={"share": ("follow_ups", "n")}, caption="Målopfyldelse ved næste registrering efter måltype",
                    formats={"share": pct}, labels={"goal_type": "Måltype", "goal_met": "Mål opfyldt", "follow_ups": "Opfølgninger",
                                                    "n": "I alt"}))
initiated = goals.initiators(registrations, report.period_start, report.period_end)
if not initiated.empty:
    display(publish(initiated, "initiators", output_dir, counts=["follow_ups", "n"], statistics={"share": ("follow_ups", "n")},
                    totals={"follow_ups": ("municipality", "n")},
                    caption="Hvem tog initiativ til opfølgningen?", formats={"municipality": mun, "share": pct},
                    labels={"initiator": "Initiativ", "follow_ups": "Opfølgninger", "n": "I alt"}))
'''),
    md("## Hvad hænger sammen med, at målet nås?"),
    code('''
model, info = goals.goal_model(pairs)
display(report.subheading(goals.model_warning_da(info)))
if info.get("fitted"):
    display(publish(model, "goal_model", output_dir, caption="Logistisk regression (GEE, kommune som klynge): odds for helt/delvist opfyldt mål",
                    formats={"term": goals.term_label, "odds_ratio": lambda v: f"{v:.2f}".replace(".", ","),
                             "ci_low": lambda v: f"{v:.2f}".replace(".", ","), "ci_high": lambda v: f"{v:.2f}".replace(".", ","),
                             "p_value": lambda v: f"{v:.3f}".replace(".", ",")}, labels={"n": "Opfølgninger"}))
    ordered = goals.ordered_model(pairs)
    if not ordered.empty:
        display(publish(ordered, "goal_model_ordered", output_dir, caption="Ordinal logit (nej < delvist < ja): odds for et højere niveau",
                        formats={"term": goals.term_label, "odds_ratio": lambda v: f"{v:.2f}".replace(".", ","),
                                 "ci_low": lambda v: f"{v:.2f}".replace(".", ","), "ci_high": lambda v: f"{v:.2f}".replace(".", ","),
                                 "p_value": lambda v: f"{v:.3f}".replace(".", ",")}, labels={"n": "Opfølgninger"}))
'''),
    md('''
En odds ratio over 1 betyder, at målet oftere nås; et interval, der dækker 1, betyder, at
sammenhængen ikke kan skelnes fra tilfældigheder. Kommunerne indgår som klynger, så
borgere i samme kommune ikke tælles som uafhængige. Modellen beskriver sammenhænge, ikke
årsager.
'''),
    md("## Ændring i pris og timer efter målopfyldelse"),
    code('''
if not pairs.empty:
    display(publish(goals.price_change_by_attainment(pairs), "price_change_by_attainment", output_dir, counts=["follow_ups", "n"],
                    totals={"follow_ups": (["service", "goal_met"], "n")},
                    statistics={"share": ("follow_ups", "n")}, caption="Lavere, uændret eller højere pris/timer ved næste registrering",
                    formats={"share": pct}, labels={"goal_met": "Mål opfyldt", "direction": "Pris/timer", "follow_ups": "Opfølgninger", "n": "I alt"}))
    for service, unit in (("§107", "ændring i dagspris (%)"), ("§85", "ændring i timer pr. måned")):
        change = goals.price_change_model(pairs, service)
        if change.empty:
            display(report.no_data(f"For få {service}-opfølgninger til at beregne sammenhængen."))
            continue
        display(publish(change, f"price_change_model_{service.strip('§')}", output_dir,
                        caption=f"{service}: {unit} efter målopfyldelse (forskel fra ikke opfyldt; klyngerobuste intervaller)",
                        formats={c: (lambda v: f"{v:.2f}".replace(".", ",")) for c in ("estimate", "ci_low", "ci_high", "p_value")},
                        labels={"estimate": "Estimat", "n": "Opfølgninger"}))
'''),
    md('''
For de fleste borgere er pris og timer uændrede, uanset om målet er nået. Rapportens svage
tendens til lavere pris og færre timer, når målet er nået, kan her aflæses med usikkerhed.
'''),
    footer(),
])
print("notebooks written")
