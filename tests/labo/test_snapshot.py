import hashlib

from labo.devtools import snapshot


def write_rendering(directory, bodies):
    """A rendering as `snapshot.py render` writes it: one file per page and index.tsv."""
    (directory / "animateur").mkdir(parents=True)
    lines = ["\t".join(snapshot.INDEX_COLUMNS)]
    for path, body in bodies.items():
        name = snapshot.file_name(path, False, "html")
        (directory / "animateur" / name).write_bytes(body)
        digest = hashlib.sha256(body).hexdigest()
        cells = ["animateur", "GET", path, "0", "200", "text/html; charset=utf-8", digest]
        lines.append("\t".join([*cells, "", "", f"animateur/{name}"]))
    (directory / "index.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(directory)


def test_normalise_masks_what_changes_between_two_renderings_of_the_same_page():
    body = (
        b'<body hx-headers=\'{"X-CSRFToken": "k3Yx9"}\'>\n'
        b'<input type="hidden" name="csrfmiddlewaretoken" value="a1B2c3">\n'
        b"/feed/MTI:1rZt2p:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ.ics\n"
        b"DTSTAMP:20250101T120000Z\r\n"
        b'<th scope="row">Raised by:</th>\n        <td>labo.views.my_profile</td>\n'
    )

    normalised = snapshot.normalise(body).decode()

    assert normalised == (
        '<body hx-headers=\'{"X-CSRFToken": "{CSRF}"}\'>\n'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF}">\n'
        "/feed/MTI:{SIGNED-AT}:{SIGNATURE}.ics\n"
        "DTSTAMP:{NOW}\r\n"
        '<th scope="row">Raised by:</th>\n        <td>{MODULE}.my_profile</td>\n'
    )


def test_normalise_gives_the_same_404_page_when_a_view_moves_to_another_module():
    page = '<th scope="row">Raised by:</th>\n  <td>{}</td>\n<p>No Person matches the query.</p>'
    before = page.format("labo.views.my_profile").encode()
    after = page.format("labo.people.views.my_profile").encode()
    renamed = page.format("labo.people.views.profile").encode()

    assert snapshot.normalise(before) == snapshot.normalise(after)
    assert snapshot.normalise(before) != snapshot.normalise(renamed)


def test_compare_two_identical_renderings_finds_nothing(tmp_path, capsys):
    bodies = {"/": b"<p>Accueil</p>\n", "/people/": b"<p>Personnes</p>\n"}
    a = write_rendering(tmp_path / "a", bodies)
    b = write_rendering(tmp_path / "b", bodies)

    result = snapshot.compare(a, b)

    assert result == 0
    assert capsys.readouterr().out == "2 same, 0 different\n"


def test_compare_two_renderings_that_differ_shows_the_page_and_its_diff(tmp_path, capsys):
    a = write_rendering(tmp_path / "a", {"/": b"<p>Accueil</p>\n", "/people/": b"<p>A</p>\n"})
    b = write_rendering(tmp_path / "b", {"/": b"<p>Accueil</p>\n", "/people/": b"<p>B</p>\n"})

    result = snapshot.compare(a, b)

    out = capsys.readouterr().out.splitlines()
    assert result == 1
    assert out[0] == "DIFFERENT animateur GET /people/: body differs"
    assert "    -<p>A</p>" in out
    assert "    +<p>B</p>" in out
    assert out[-1] == "1 same, 1 different"


def test_compare_counts_a_page_missing_from_one_rendering(tmp_path, capsys):
    a = write_rendering(tmp_path / "a", {"/": b"<p>Accueil</p>\n"})
    b = write_rendering(tmp_path / "b", {"/": b"<p>Accueil</p>\n", "/people/": b"<p>B</p>\n"})

    result = snapshot.compare(a, b)

    assert result == 1
    assert capsys.readouterr().out.splitlines() == [
        "MISSING in A: animateur GET /people/",
        "1 same, 1 different",
    ]
