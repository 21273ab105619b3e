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


def test_image_with_a_space_in_its_address_is_an_error_on_its_own_line() -> None:
    text = (
        "Første afsnit.\n\n## Legepladsen\n\nAndet afsnit, der fortsætter\n"
        "med billedet ![Børn på legepladsen](billeder/børn på legeplads.jpg) her.\n"
    )
    result = render(text, first_line=8)
    assert [str(e) for e in result.errors] == [
        "x.da.md:13: the image 'billeder/børn på legeplads.jpg' appears as plain text, because its address has "
        "a space; write the address in angle brackets: ![Børn på legepladsen](<billeder/børn på legeplads.jpg>), "
        "or rename the file with - instead of spaces"
    ]


def test_md_link_with_a_space_names_the_file_name_to_write() -> None:
    result = render("Tekst\n\n- punkt\n- se [læs mere](../towns/sønder omme.da.md#fakta)\n", first_line=5)
    assert [str(e) for e in result.errors] == [
        "x.da.md:8: the link '../towns/sønder omme.da.md#fakta' appears as plain text, because its address has "
        "a space; file names have no spaces: write [læs mere](../towns/soender-omme.da.md#fakta)"
    ]
    fixed = render("Tekst\n\n- punkt\n- se [læs mere](../towns/soender-omme.da.md#fakta)\n")
    assert fixed.errors == () and fixed.resolved[0][0] == "../towns/soender-omme.da.md#fakta"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("[kort](https://example.dk/kort over byen)", "https://example.dk/kort over byen"),  # cut by the autolink
        ("![Foto](billeder/foto (1).jpg)", "billeder/foto (1).jpg"),
        ("| By | Billede |\n|---|---|\n| Vorbasse | ![Kirken](vorbasse kirke.jpg) |", "vorbasse kirke.jpg"),
        ("> Citat med [et link](side med mellemrum.html)", "side med mellemrum.html"),
    ],
)
def test_links_with_spaces_are_found_everywhere(text: str, address: str) -> None:
    result = render(f"Tekst\n\n{text}\n", first_line=2)
    assert [(e.line, e.message.split("'")[1]) for e in result.errors] == [(text.count("\n") + 4, address)]


@pytest.mark.parametrize(
    ("broken", "fixed", "expected"),
    [
        (
            "![Børn på legepladsen](billeder/børn på legeplads.jpg)",
            "![Børn på legepladsen](<billeder/børn på legeplads.jpg>)",  # the hint's angle brackets
            '<img src="/media/billeder/børn på legeplads.jpg" alt="Børn på legepladsen" loading="lazy">',
        ),
        ("![Foto](billeder/foto (1).jpg)", "![Foto](<billeder/foto (1).jpg>)", 'src="/media/billeder/foto (1).jpg"'),
        (
            "[kort](https://x.dk/kort over byen)",
            "[kort](<https://x.dk/kort over byen>)",
            'href="https://x.dk/kort%20over%20byen"',
        ),
    ],
)
def test_the_fix_in_the_hint_works(broken: str, fixed: str, expected: str) -> None:
    before, after = render(f"{broken}\n"), render(f"{fixed}\n")
    assert len(before.errors) == 1 and fixed in before.errors[0].hint
    assert after.errors == () and expected in after.html


def test_links_with_spaces_in_code_are_not_reported() -> None:
    text = (
        "Skriv ikke `![Børn](billeder/børn leger.jpg)` med mellemrum.\n\n"
        "```markdown\n![Børn](billeder/børn leger.jpg)\n```\n\n"
        "    [læs mere](../towns/sønder omme.da.md)\n\n"
        "Men her: ![Børn](billeder/børn leger.jpg)\n"
    )
    result = render(text)
    assert [(e.line, e.message) for e in result.errors] == [
        (9, "the image 'billeder/børn leger.jpg' appears as plain text, because its address has a space")
    ]
    assert result.warnings == ()


def test_embedded_iframe_is_an_error_on_its_line_not_where_code_shows_it() -> None:
    text = (
        'Sådan ser en indlejring ud: `<iframe src="https://www.youtube.com/embed/abc"></iframe>`\n\n'
        '```html\n<iframe src="https://www.youtube.com/embed/abc"></iframe>\n```\n\n'
        "Se videoen:\n\n"
        '<iframe src="https://www.youtube.com/embed/abc"></iframe>\n'
    )
    result = render(text, first_line=9)
    assert [str(e) for e in result.errors] == [
        "x.da.md:17: the HTML tag <iframe> is removed from the page; embedded video, maps and posts are not "
        "allowed on the site (the visitors' privacy: pages fetch nothing from other services); link to it instead: "
        "[Se videoen](https://...)"
    ]
    assert "<iframe" not in result.html and result.html.count("&lt;iframe") == 2


@pytest.mark.parametrize(
    ("html_text", "error", "message"),
    [
        ('<script src="https://example.com/x.js"></script>', True, "the HTML tag <script> is removed from the page"),
        ('<object data="kort.pdf"></object>', True, "the HTML tag <object> is removed from the page"),
        ('<embed src="https://maps.example/kort">', True, "the HTML tag <embed> is removed from the page"),
        (
            '<form action="https://x.dk">Tilmeld dig</form>',
            True,
            "the HTML tag <form> is removed from the page",
        ),
        ("<style>p { color: red }</style>", False, "the HTML tag <style> is removed from the page"),
        ('<p onclick="alert(1)">Klik</p>', True, "the HTML attribute onclick on <p> is removed from the page"),
        (
            '<span style="color:red" class="rød">Vigtigt</span>',
            False,
            "the HTML attributes style, class on <span> are removed from the page",
        ),
        (
            '<a href="https://x.dk" target="_blank">x</a>',
            False,
            "the HTML attribute target on <a> is removed from the page",
        ),
        ('<font color="red">Vigtigt</font>', False, "the HTML tag <font> is removed from the page"),
        ("Skriv til <Navn Efternavn>", False, "the HTML tag <navn> is removed from the page"),
        (
            "<details open><summary>Mere</summary>x</details>",
            False,
            "the HTML attribute open on <details> is removed from the page",
        ),
        ('{{<figure src="a.jpg" alt="Torvet">}}', True, "this short code cannot be read"),
    ],
)
def test_removed_html_is_reported_with_its_line(html_text: str, error: bool, message: str) -> None:
    result = render(f"Tekst\n\nMere tekst\n\n{html_text}\n", first_line=3)
    found, other = (result.errors, result.warnings) if error else (result.warnings, result.errors)
    assert [(p.line, p.message) for p in found] == [(7, message)] and other == ()
    assert found[0].hint


def test_allowed_html_does_not_warn() -> None:
    text = (
        '<!-- kortet kommer senere: <iframe src="https://www.google.com/maps/embed?pb=x"></iframe> -->\n\n'
        '<details><summary>Mere</summary>\n\nTekst med <abbr title="Billund Kommune">BK</abbr>, H<sub>2</sub>O, '
        'm<sup>2</sup>, <kbd>Ctrl</kbd>, <mark>vigtigt</mark> og <span lang="en">welcome</span>.<br>\n\n</details>\n\n'
        '<a href="https://billund.dk" title="Kommunen">Kommunen</a> <img src="torv.jpg" alt="Torvet" width="300">\n\n'
        '<table><tr><th colspan="2">By</th></tr><tr><td>a</td><td>b</td></tr></table>\n\n'
        "```python\nprint('<script>')\n```\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        '<iframe src="https://www.google.com/maps/embed?pb=x"></iframe>\n'
    )
    result = render(text)
    assert [e.line for e in result.errors] == [text.count("\n")]  # only the map, on the last line
    assert result.warnings == ()
