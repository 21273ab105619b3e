"""Markdown as editors type it, rendered like GitHub, then made safe."""

from __future__ import annotations

import pytest
from markupsafe import escape

from sitegen.errors import FixableError
from sitegen.markdown import RenderedMarkdown, render_markdown


def _links(href: str) -> str:
    if href.startswith("mangler"):
        raise FixableError(f"the link '{href}' goes to a file that does not exist")
    return "/historier/" + href.split(".")[0] + "/" + ("#" + href.split("#")[1] if "#" in href else "")


def _images(src: str, alt: str) -> str:
    return f'<img src="/media/{src}" alt="{escape(alt)}" loading="lazy">'


def render(text: str, first_line: int = 1) -> RenderedMarkdown:
    return render_markdown(text, path="x.da.md", first_line=first_line, resolve_link=_links, resolve_image=_images)


def html(text: str) -> str:
    return render(text).html


def test_list_right_after_a_paragraph_line() -> None:
    assert html("Vi tilbyder:\n- vuggestue\n- børnehave\n") == (
        "<p>Vi tilbyder:</p>\n<ul>\n<li>vuggestue</li>\n<li>børnehave</li>\n</ul>\n"
    )


def test_two_space_nested_list_stays_nested() -> None:
    out = html("- skoler\n  - indskoling\n  - udskoling\n- dagtilbud\n")
    assert "<li>skoler\n<ul>\n<li>indskoling</li>\n<li>udskoling</li>\n</ul>\n</li>" in out


def test_numbered_list_after_bullets_is_its_own_list() -> None:
    out = html("- a\n- b\n\n1. første\n2. anden\n")
    assert "</ul>\n<ol>\n<li>første</li>" in out


def test_second_paragraph_in_list_item_does_not_swallow_the_next_item() -> None:
    out = html("- punkt\n\n  mere om punktet\n- næste\n")
    assert out.count("<li>") == 2
    assert "<p>mere om punktet</p>\n</li>\n<li>\n<p>næste</p>" in out


def test_bare_urls_strikethrough_and_tables() -> None:
    out = html(
        "Se https://welcome2billund.dk og ~~gammelt~~\n\n| By | Indbyggere |\n|---|---:|\n| Vorbasse | 1.324 |\n"
    )
    assert '<a href="https://welcome2billund.dk">https://welcome2billund.dk</a>' in out
    assert "<del>gammelt</del>" in out
    assert '<td align="right">1.324</td>' in out


def test_headings_get_unique_readable_ids() -> None:
    result = render("## Børn og unge\n\n## Børn og unge\n\n### Økonomi & planer\n")
    assert [h.id for h in result.headings] == ["boern-og-unge", "boern-og-unge-2", "oekonomi-planer"]
    assert '<h2 id="boern-og-unge">Børn og unge</h2>' in result.html


def test_heading_ids_avoid_the_theme_ids() -> None:
    assert render("## Indhold\n").headings[0].id == "indhold-2"


def test_level_one_heading_is_a_warning_with_its_line() -> None:
    result = render("Tekst\n\n# Stor overskrift\n", first_line=7)
    assert [str(w) for w in result.warnings] == [
        "x.da.md:9: the body has a level-1 heading (# ...); the title is the page's main heading; "
        "use ## for headings in the text"
    ]


def test_md_links_become_page_urls_with_fragment() -> None:
    result = render("Læs [historien](havnebad.da.md#fakta) og [siden](https://billund.dk).\n")
    assert '<a href="/historier/havnebad/#fakta">historien</a>' in result.html
    assert [link.url for link in result.links] == ["/historier/havnebad/#fakta", "https://billund.dk"]


def test_broken_md_link_is_an_error_on_its_line() -> None:
    result = render("Første\n\nAndet [x](mangler.da.md)\n", first_line=10)
    assert [str(e) for e in result.errors] == [
        "x.da.md:12: the link 'mangler.da.md' goes to a file that does not exist"
    ]


def test_images_go_to_the_image_step_and_need_alt_text() -> None:
    result = render("![Børn på torvet](torv.jpg)\n\n![](tom.jpg)\n", first_line=5)
    assert '<img src="/media/torv.jpg" alt="Børn på torvet" loading="lazy">' in result.html
    assert [(i.url, i.line) for i in result.images] == [("/media/torv.jpg", 5), ("/media/tom.jpg", 7)]
    assert [e.line for e in result.errors] == [7]
    assert "has no alt text" in result.errors[0].message


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        '<img src="x.jpg" alt="a" onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        '<a href="javascript:alert(1)">klik</a>',
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<div onclick="alert(1)">x</div>',
    ],
)
def test_raw_html_is_cleaned(dangerous: str) -> None:
    out = html(f"Tekst\n\n{dangerous}\n").lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "data:text"):
        assert bad not in out


def test_harmless_raw_html_is_kept() -> None:
    out = html('<details><summary>Mere</summary>\n\nTekst med <abbr title="Billund Kommune">BK</abbr>\n\n</details>\n')
    assert "<details><summary>Mere</summary>" in out and '<abbr title="Billund Kommune">BK</abbr>' in out


def test_figure_shortcode_with_caption_and_credit() -> None:
    out = html('Tekst\n\n{{< figure src="torv.jpg" alt="Torvet" caption="Torvedag" credit="Foto: A. Jensen" >}}\n')
    assert out.endswith(
        '<figure><img src="/media/torv.jpg" alt="Torvet" loading="lazy">'
        '<figcaption>Torvedag <span class="credit">Foto: A. Jensen</span></figcaption></figure>\n'
    )


def test_shortcode_values_are_escaped() -> None:
    out = html('{{< figure src="a.jpg" alt="Tom & Jerry" caption="Tom & Jerry" >}}\n')
    assert 'alt="Tom &amp; Jerry"' in out and "<figcaption>Tom &amp; Jerry</figcaption>" in out


def test_html_inside_a_shortcode_cannot_add_handlers() -> None:
    assert "onmouseover" not in html('{{< figure src="a.jpg" alt="x" caption="<b onmouseover=alert(1)>" >}}\n')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{{< galleri src="a.jpg" >}}', "unknown short code 'galleri'"),
        ('{{< figure src="a.jpg" >}}', "figure: alt is missing"),
        ('{{< figure src="a.jpg" alt="x" farve="rød" >}}', "figure: unknown argument 'farve'"),
        ("{{< figure src=a.jpg >}}", "this short code cannot be read"),
    ],
)
def test_shortcode_errors_name_their_line(text: str, message: str) -> None:
    result = render(f"Tekst\n\n{text}\n", first_line=20)
    assert [(e.line, e.message) for e in result.errors] == [(22, message)]


def test_source_positions_are_removed() -> None:
    assert "data-sourcepos" not in html("# a\n\n- b\n\n| c |\n|---|\n| d |\n")


@pytest.mark.parametrize(
    "text",
    [
        "[klik](javascript:alert(1))",
        "[klik]( JavaScript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "<img src='data:text/html,x' alt='x'>",
        "[fil](file:///etc/passwd)",
    ],
)
def test_dangerous_addresses_are_errors_with_their_line(text: str) -> None:
    result = render(f"Tekst\n\n{text}\n", first_line=4)
    assert [e.line for e in result.errors] == [6]
    assert "is not allowed" in result.errors[0].message
    assert "javascript:" not in result.html.lower() and "data:" not in result.html and "file:" not in result.html


def test_words_like_data_in_text_are_fine() -> None:
    assert render("Se data: tal fra Danmarks Statistik, og [kilden](https://dst.dk).\n").errors == ()


def test_shortcode_inside_text_must_stand_alone() -> None:
    result = render('Se her {{< figure src="a.jpg" alt="x" >}}\n', first_line=3)
    assert [(e.line, e.message) for e in result.errors] == [(3, "a short code must stand alone in its paragraph")]
