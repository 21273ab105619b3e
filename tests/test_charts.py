"""Charts from data files: accessible inline SVG and a table, local numbers, errors editors can act on,
and pages that re-render when their data file changes."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from sitegen.chartsvg import LOOKS, nice_ticks
from sitegen.datafiles import data_fingerprint, load_data_file
from sitegen.errors import SiteError, SiteErrors
from sitegen.markdown import RenderedMarkdown, render_markdown
from sitegen.shortcodes import ShortcodeContext

from .conftest import Site, story

CSV = """\
# EKSEMPELDATA: opdigtede tal
år,tilflyttede,fraflyttede
2020,1324,1290
2021,1410,1255

2022,1280,1300
"""

YAML = """\
note: opdigtede tal
columns:
  aldersgruppe: {da: Alder, en: Age}
  tilflyttede: {da: Tilflyttede, en: Moved in}
  fraflyttede: {da: Fraflyttede, en: Moved out}
rows:
  - {aldersgruppe: 0-17 år, tilflyttede: 310, fraflyttede: 280}
  - {aldersgruppe: 18-29 år, tilflyttede: 2520.5, fraflyttede: 1490}
  - aldersgruppe: 30-49 år
    tilflyttede: 480
    fraflyttede: 505
"""

BAR = '{{< chart data="flyt.csv" type="bar" x="år" y="tilflyttede,fraflyttede" title="Flytninger" >}}'
LINE = '{{< chart data="alder.yaml" type="line" x="aldersgruppe" title="Efter alder" >}}'


def _project(tmp_path: Path) -> Path:
    (tmp_path / "content/data").mkdir(parents=True)
    (tmp_path / "content/data/flyt.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "content/data/alder.yaml").write_text(YAML, encoding="utf-8")
    return tmp_path


def _render(root: Path, text: str, lang: str = "da", first_line: int = 10) -> RenderedMarkdown:
    locale = {"da": "da_DK", "en": "en_GB"}[lang]
    path = f"content/stories/flyt.{lang}.md"
    return render_markdown(
        text,
        path=path,
        first_line=first_line,
        resolve_link=lambda href: href,
        resolve_image=lambda src, alt: f'<img src="{src}" alt="{alt}">',
        shortcode_context=ShortcodeContext(path, lang, locale, root),
    )


def _html(root: Path, text: str, lang: str = "da") -> str:
    result = _render(root, text, lang)
    assert result.errors == (), result.errors
    return result.html


def _errors(root: Path, text: str) -> list[tuple[str, int, str, str]]:
    result = _render(root, f"Tekst.\n\n{text}\n", first_line=10)
    return [(e.path, e.line, e.message, e.hint) for e in result.errors]


# --- the chart and its table ------------------------------------------------------------------


def test_bar_chart_from_csv_is_an_accessible_svg_followed_by_a_table(tmp_path: Path) -> None:
    html = _html(_project(tmp_path), BAR)
    tree = LexborHTMLParser(html)
    figure = tree.css_first("figure.chart")
    assert figure is not None and [child.tag for child in figure.iter()] == ["figcaption", "svg", "table"]
    svg = tree.css_first("svg")
    assert svg is not None
    assert svg.attributes["role"] == "img"
    assert svg.attributes["aria-labelledby"] == "chart-1-title chart-1-desc"
    assert svg.attributes["width"] == "100%" and re.fullmatch(r"0 0 480 \d+", svg.attributes["viewBox"] or "")
    assert '<title id="chart-1-title">Flytninger</title>' in html
    desc = tree.css_first("desc#chart-1-desc")
    assert desc is not None and desc.text() == (
        "Søjlediagram over tilflyttede og fraflyttede efter år, fra 2020 til 2022. "
        "Tilflyttede: højest 1.410 (2021), lavest 1.280 (2022). "
        "Fraflyttede: højest 1.300 (2022), lavest 1.255 (2021). "
        "Alle tal står i tabellen under diagrammet."
    )
    assert len(tree.css("svg rect[stroke]")) == 2 + 6  # the legend's two swatches and six bars
    table = tree.css_first("table.chart-data")
    assert table is not None
    caption = table.css_first("caption")
    assert caption is not None and caption.text() == "Tabel: Flytninger"
    assert [th.text() for th in table.css('th[scope="col"]')] == ["år", "tilflyttede", "fraflyttede"]
    assert [th.text() for th in table.css('th[scope="row"]')] == ["2020", "2021", "2022"]
    assert [td.text() for td in table.css("td")] == ["1.324", "1.290", "1.410", "1.255", "1.280", "1.300"]


def test_line_chart_from_yaml_with_labels_from_the_data_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    danish = _html(root, LINE)
    tree = LexborHTMLParser(danish)
    assert tree.css_first("figure.chart-line") is not None
    assert len(tree.css("svg polyline")) == 2
    assert [th.text() for th in tree.css('th[scope="col"]')] == ["Alder", "Tilflyttede", "Fraflyttede"]
    assert "Kurvediagram over Tilflyttede og Fraflyttede efter Alder, fra 0-17 år til 30-49 år." in danish
    english = _html(root, LINE.replace("Efter alder", "By age"), lang="en")
    tree = LexborHTMLParser(english)
    assert [th.text() for th in tree.css('th[scope="col"]')] == ["Age", "Moved in", "Moved out"]
    assert "Line chart of Moved in and Moved out by Age, from 0-17 år to 30-49 år." in english
    assert "Moved in: highest 2,520.5 (18-29 år), lowest 310 (0-17 år)." in english


def test_numbers_are_written_the_danish_and_the_english_way(tmp_path: Path) -> None:
    root = _project(tmp_path)
    danish, english = _html(root, BAR), _html(root, BAR, lang="en")
    assert "<td>1.324</td>" in danish and "<td>1,324</td>" in english
    assert ">1.500</text>" in danish and ">1,500</text>" in english  # a tick on the value axis
    assert "højest 1.410 (2021)" in danish and "highest 1,410 (2021)" in english
    decimals = _html(root, LINE)
    assert "<td>2.520,5</td>" in decimals


def test_labels_argument_names_the_columns_in_the_story_language(tmp_path: Path) -> None:
    text = BAR.replace('title="Flytninger"', 'title="Moves" labels="Year,Moved in,Moved out" y_label="People"')
    html = _html(_project(tmp_path), text, lang="en")
    assert [th.text() for th in LexborHTMLParser(html).css('th[scope="col"]')] == ["Year", "Moved in", "Moved out"]
    assert ">People</text>" in html and ">Moved out</text>" in html
    assert "Bar chart of Moved in and Moved out by Year, from 2020 to 2022." in html


def test_defaults_draw_every_other_column_as_bars_and_the_caption_goes_under_the_table(tmp_path: Path) -> None:
    html = _html(_project(tmp_path), '{{< chart data="flyt.csv" title="T" caption="Eksempeldata & opdigtet" >}}')
    assert 'class="chart chart-bar"' in html
    assert html.count('<th scope="col">') == 3
    assert html.endswith('</table><p class="chart-note">Eksempeldata &amp; opdigtet</p></figure>\n')


def test_no_inline_styles_scripts_or_colour_alone(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for html in (_html(root, BAR), _html(root, LINE)):
        assert "style=" not in html and "<script" not in html.lower() and " on" not in html.split("<svg", 1)[1]
    bars = _html(root, BAR)
    assert 'fill="#0055bf"' in bars and 'fill="url(#chart-1-pattern-2)"' in bars  # a plain and a patterned series
    assert '<pattern id="chart-1-pattern-2"' in bars
    assert len({(look.pattern, look.dash, look.marker) for look in LOOKS}) == len(LOOKS)
    assert len({look.fill for look in LOOKS}) == len(LOOKS) and len({look.line for look in LOOKS}) == len(LOOKS)


def test_two_charts_on_a_page_have_their_own_ids_and_headings_do_not_take_them(tmp_path: Path) -> None:
    html = _html(_project(tmp_path), f"{BAR}\n\n## Chart 1 title\n\n{LINE}\n")
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert {"chart-1-title", "chart-2-title", "chart-1-desc", "chart-2-desc", "chart-1-title-2"} <= set(ids)


def test_values_are_escaped(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "content/data/farlig.csv").write_text('navn,tal\n"<b onclick=x()>A&B</b>",1\n', encoding="utf-8")
    html = _html(root, '{{< chart data="farlig.csv" title="<i>T</i>" >}}')
    assert "<b" not in html and "<i>" not in html and "&lt;b onclick=x()&gt;A&amp;B&lt;/b&gt;" in html


def test_semicolons_and_decimal_commas_as_danish_excel_saves_them(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "content/data/excel.csv").write_bytes("\ufeffby;andel\nGrindsted;12,5\nBillund;7\n".encode())
    html = _html(root, '{{< chart data="excel.csv" title="Andel" >}}')
    assert "<td>12,5</td>" in html and '<th scope="row">Grindsted</th>' in html


def test_nice_ticks() -> None:
    assert nice_ticks(0, 1410) == [0, 500, 1000, 1500]
    assert nice_ticks(-35, 60) == [-40, -20, 0, 20, 40, 60]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1]


# --- errors an editor can act on ------------------------------------------------------------------

PAGE = "content/stories/flyt.da.md"


@pytest.mark.parametrize(
    ("shortcode", "message", "hint"),
    [
        (
            '{{< chart data="flyt.cvs" title="T" >}}',
            "chart: 'flyt.cvs' is not a data file",
            "use a .csv or .yaml file",
        ),
        (
            '{{< chart data="flyd.csv" title="T" >}}',
            "chart: the data file 'flyd.csv' does not exist",
            "did you mean 'flyt.csv'?",
        ),
        (
            '{{< chart data="befolkning/2024.csv" title="T" >}}',
            "chart: the data file 'befolkning/2024.csv' does not exist",
            "put it in content/data/ (looked for content/data/befolkning/2024.csv)",
        ),
        (
            '{{< chart data="../stories/flyt.csv" title="T" >}}',
            "chart: the data file '../stories/flyt.csv' is outside content/data/",
            'data files are read from content/data/: put the file there and write its name, like data="tilflytning.csv"',
        ),
        (
            '{{< chart data="/etc/passwd.csv" title="T" >}}',
            "chart: the data file '/etc/passwd.csv' is outside content/data/",
            'data files are read from content/data/: put the file there and write its name, like data="tilflytning.csv"',
        ),
        (
            '{{< chart data="flyt.csv" y="tilflytede" title="T" >}}',
            "chart: the column 'tilflytede' is not in content/data/flyt.csv",
            "did you mean 'tilflyttede'? (columns: år, tilflyttede, fraflyttede)",
        ),
        (
            '{{< chart data="flyt.csv" x="aar" title="T" >}}',
            "chart: the column 'aar' is not in content/data/flyt.csv",
            "the columns are: år, tilflyttede, fraflyttede",
        ),
        (
            '{{< chart data="flyt.csv" type="pie" title="T" >}}',
            "chart: unknown chart type 'pie'",
            'use type="bar" or type="line"',
        ),
        (
            '{{< chart data="flyt.csv" type="lines" title="T" >}}',
            "chart: unknown chart type 'lines'",
            "did you mean 'line'? (types: bar, line)",
        ),
        ('{{< chart data="flyt.csv" >}}', "chart: title is missing", 'add title="Tilflyttede og fraflyttede"'),
        ('{{< chart title="T" >}}', "chart: data is missing", 'add data="tilflytning.csv"'),
        (
            '{{< chart data="flyt.csv" title="T" farve="rød" >}}',
            "chart: unknown argument 'farve'",
            "caption, data, labels, title, type, x, y, y_label",
        ),
        (
            '{{< chart data="flyt.csv" title="T" labels="År,Ind" >}}',
            "chart: labels has 2 names, but x and y name 3 columns (år, tilflyttede, fraflyttede)",
            'write one name for each, separated by commas: labels="År,tilflyttede,fraflyttede"',
        ),
        (
            '{{< charts data="flyt.csv" title="T" >}}',
            "unknown short code 'charts'",
            "did you mean 'chart'?",
        ),
    ],
)
def test_errors_name_the_story_and_the_line_of_the_short_code(
    tmp_path: Path, shortcode: str, message: str, hint: str
) -> None:
    assert _errors(_project(tmp_path), shortcode) == [(PAGE, 12, message, hint)]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "tal.csv",
            "# kommentar\når,antal\n2020,12\n2021,mange\n",
            "chart: 'mange' in the column 'antal' is not a number (content/data/tal.csv, line 4)",
        ),
        (
            "tal.csv",
            "år,antal\n2020,1.324,5\n",
            "chart: content/data/tal.csv, line 2, has 3 values, but the header (line 1) has 2 columns",
        ),
        (
            "tal.csv",
            "år,antal\n2020,1324\n2021,\n",
            "chart: an empty value in the column 'antal' is not a number (content/data/tal.csv, line 3)",
        ),
        (
            "tal.csv",
            'år,antal\n2020,"1,324"\n',
            "chart: '1,324' in the column 'antal' is not a number (content/data/tal.csv, line 2)",
        ),
        ("tal.csv", "# kun en kommentar\n", "chart: content/data/tal.csv has no rows"),
        (
            "tal.yaml",
            "rows:\n  - {år: 2020, antal: 12}\n  - år: 2021\n    antal: ti\n",
            "chart: 'ti' in the column 'antal' is not a number (content/data/tal.yaml, line 4)",
        ),
        (
            "tal.yaml",
            "columns:\n  år: År\n  antal: Antal\nrows:\n  - {år: 2020, antla: 12}\n",
            "chart: content/data/tal.yaml, line 5: the column 'antla' is not under columns:",
        ),
        ("tal.yaml", "rækker:\n  - {år: 2020}\n", "chart: content/data/tal.yaml, line 1: unknown field 'rækker'"),
        (
            "tal.yaml",
            'rows:\n  - {år: "2020, antal: 1}\n',
            "chart: content/data/tal.yaml, line 2: a quote is opened but never closed",
        ),
    ],
)
def test_errors_in_data_files_name_the_data_file_and_its_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    root = _project(tmp_path)
    (root / "content/data" / name).write_text(text, encoding="utf-8")
    errors = _errors(root, f'{{{{< chart data="{name}" x="år" title="T" >}}}}')
    assert [(path, line, got) for path, line, got, _hint in errors] == [(PAGE, 12, message)]


@pytest.mark.parametrize(
    ("name", "text", "message", "hint"),
    [
        (
            "tal.yaml",
            "rows:\n  - {år: 2020, antal: 1400}\n  - {år: 2021, antal: 1.400}\n",  # YAML reads 1.400 as 1.4
            "chart: '1.400' in the column 'antal' is not a number (content/data/tal.yaml, line 3)",
            "write 1400, without the thousands separator",
        ),
        (
            "tal.yaml",
            "columns:\n  år: År\n  antal: Antal\nrows:\n  - år: 2020\n    antal: -12,500\n",
            "chart: '-12,500' in the column 'antal' is not a number (content/data/tal.yaml, line 6)",
            "write -12500, without the thousands separator",
        ),
        (
            "tal.csv",
            "år;antal\n2020;1.400\n",
            "chart: '1.400' in the column 'antal' is not a number (content/data/tal.csv, line 2)",
            "write 1400, without the thousands separator",
        ),
        (
            "tal.yaml",
            "- {år: 2020, antal: 0x1F}\n",
            "chart: '0x1F' in the column 'antal' is not a number (content/data/tal.yaml, line 1)",
            "write numbers with digits only, like 1234 or 12.5, without thousands separators",
        ),
    ],
)
def test_thousands_separators_in_data_files_are_refused_with_the_number_to_write(
    tmp_path: Path, name: str, text: str, message: str, hint: str
) -> None:
    root = _project(tmp_path)
    (root / "content/data" / name).write_text(text, encoding="utf-8")
    assert _errors(root, f'{{{{< chart data="{name}" x="år" title="T" >}}}}') == [(PAGE, 12, message, hint)]


def test_yaml_data_is_read_as_written(tmp_path: Path) -> None:
    root = _project(tmp_path)
    rows = (
        'rows:\n  - {år: 2020, alder: "0-5", antal: 1400, andel: 12.5}\n'
        "  - {år: '2021', alder: 6-17, antal: -3, andel: 0.250}\n"
    )
    (root / "content/data/tal.yaml").write_text(rows, encoding="utf-8")
    table = load_data_file(root, "tal.yaml")
    assert table.text("år") == ["2020", "2021"] and table.text("alder") == ["0-5", "6-17"]
    assert table.numbers("antal") == [Decimal(1400), Decimal(-3)]
    assert table.numbers("andel") == [Decimal("12.5"), Decimal("0.25")]
    assert table.lines == ((2, 2, 2, 2), (3, 3, 3, 3))


def test_a_decimal_after_zero_is_not_a_thousands_separator(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "content/data/andel.csv").write_text("år,andel\n2020,0.125\n", encoding="utf-8")
    assert load_data_file(root, "andel.csv").numbers("andel") == [Decimal("0.125")]


def test_a_data_file_that_is_not_utf8(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "content/data/latin1.csv").write_bytes("år,antal\n2020,1\n".encode("latin-1"))
    assert _errors(root, '{{< chart data="latin1.csv" title="T" >}}') == [
        (
            PAGE,
            12,
            "chart: content/data/latin1.csv is not UTF-8",
            "save it as UTF-8 (in Excel: CSV UTF-8 (comma delimited))",
        )
    ]


def test_a_link_out_of_content_data_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "hemmelig.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "content/data/link.csv").symlink_to(root / "hemmelig.csv")
    assert _errors(root, '{{< chart data="link.csv" title="T" >}}') == [
        (
            PAGE,
            12,
            "chart: the data file 'link.csv' is a link to a file outside content/data/",
            "copy the file into content/data/",
        )
    ]


def test_too_many_series(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "content/data/bred.csv").write_text("by,a,b,c,d,e\nX,1,2,3,4,5\n", encoding="utf-8")
    assert [e[2] for e in _errors(root, '{{< chart data="bred.csv" title="T" >}}')] == [
        "chart: y names 5 columns; a chart can show at most 4"
    ]


def test_a_chart_outside_a_content_file_is_an_error_not_a_crash() -> None:
    result = render_markdown(BAR, path="x.md", first_line=1, resolve_link=lambda h: h, resolve_image=lambda s, a: "")
    assert [e.message for e in result.errors] == ["chart: this short code works only in content files"]


# --- in a site: the build, errors without tracebacks, and re-rendering ----------------------------

STORY_BODY = f"Tallene:\n\n{BAR}\n"


def _chart_site(site: Site) -> Site:
    site.write("content/data/flyt.csv", CSV)
    site.write("content/stories/flyt.da.md", story("Flytninger", extra="example: true\n", body=STORY_BODY))
    english = BAR.replace('title="Flytninger"', 'title="Moves" labels="Year,Moved in,Moved out"')
    site.write(
        "content/stories/flyt.en.md",
        story("Moves", extra="example: true\nslug: moves\n", body=f"The numbers:\n\n{english}\n"),
    )
    return site


def test_a_story_with_a_chart_builds_in_both_languages(site: Site) -> None:
    report = _chart_site(site).build()
    assert not [w for w in report.warnings if "flyt" in w.path]
    danish = site.read("historier/flyt/index.html")
    english = site.read("en/stories/moves/index.html")
    assert '<svg class="chart-svg"' in danish and "<td>1.324</td>" in danish
    assert '<svg class="chart-svg"' in english and "<td>1,324</td>" in english and ">Moved in</th>" in english


def test_a_changed_data_file_re_renders_the_pages_that_show_it(site: Site) -> None:
    _chart_site(site).build()
    assert site.build().rendered == []
    site.write("content/data/flyt.csv", CSV.replace("2022,1280", "2022,1999"))
    report = site.build()
    assert report.rendered == ["en/stories/moves/index.html", "historier/flyt/index.html"]
    assert "<td>1.999</td>" in site.read("historier/flyt/index.html")
    assert "<td>1,999</td>" in site.read("en/stories/moves/index.html")
    assert site.build().rendered == []


def test_a_build_with_a_broken_chart_reports_the_story_line_and_writes_nothing(site: Site) -> None:
    _chart_site(site)
    site.write("content/data/flyt.csv", CSV.replace("2021,1410", "2021,1410x"))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert (
        SiteError(
            "content/stories/flyt.da.md",
            11,  # the line of the short code in the story
            "chart: '1410x' in the column 'tilflyttede' is not a number (content/data/flyt.csv, line 4)",
            "write numbers with digits only, like 1234 or 12.5, without thousands separators",
        )
        in caught.value.errors
    )
    assert [(e.path, e.line) for e in caught.value.errors] == [
        ("content/stories/flyt.da.md", 11),
        ("content/stories/flyt.en.md", 12),
    ]
    assert "Traceback" not in str(caught.value)
    assert not (site.root / "output/historier/flyt/index.html").exists()


def test_data_fingerprint_follows_the_data_files_a_body_uses(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert data_fingerprint(root, "Ingen diagrammer her.") == ""
    before = data_fingerprint(root, STORY_BODY)
    assert before and before == data_fingerprint(root, STORY_BODY)
    (root / "content/data/flyt.csv").write_text(CSV + "2023,1,2\n", encoding="utf-8")
    assert data_fingerprint(root, STORY_BODY) != before
    multi_line = '{{< chart\n  data="alder.yaml"\n  title="T" >}}'
    assert "alder.yaml" in data_fingerprint(root, multi_line)


def test_the_real_sample_story_shows_its_chart_in_both_languages(real_site: Site) -> None:
    danish = real_site.read("historier/hvem-flytter-til-billund-kommune/index.html")
    english = real_site.read("en/stories/who-moves-to-billund-municipality/index.html")
    for html, sample in ((danish, "Eksempeldata"), (english, "Sample data")):
        assert 'role="img"' in html and '<table class="chart-data">' in html and sample in html
        assert "BEV22" in html and "statistikbanken.dk" in html
    assert "<td>1.650</td>" in danish and "<td>1,650</td>" in english


def test_thousands_separators_in_csv_are_refused_not_misread(site: Site) -> None:
    site.write("content/data/tal.csv", "år,antal\n2023,1.400\n2024,1400\n")
    site.write(
        "content/stories/tal.da.md",
        story("Tal", extra="translation: false\n", body='{{< chart data="tal.csv" title="Tal" >}}'),
    )
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert "'1.400' in the column 'antal' is not a number (content/data/tal.csv, line 2)" in str(caught.value)
