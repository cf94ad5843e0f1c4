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


def notebook(name, cells):
    nb = nbf.v4.new_notebook()
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
    md('''
Siden følger de børn og unge, der havde en indsats ved periodens start, og viser, hvor de er
ved periodens slutning: på samme trin, højere eller lavere på trappen, eller ude af
indsatserne. Børn, der fik deres første indsats i perioden, tælles for sig. Metoden er den,
KORA brugte i Aalborg (februar → august 2016).
'''),
        code('''
if result.empty:
    display(report.no_data(f"Der er ingen børn med en aktiv indsats i {report.name} Kommune ved periodens start eller slutning, så der er ingen bevægelser at vise."))
else:
    display(report.key_messages(staircase.summary_da(result)))
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
    code('''
display(report.footer({"municipality": municipality, "period_start": period_start,
                       "period_end": period_end, "data_dir": data_dir}))
'''),
])
print("notebooks written")
