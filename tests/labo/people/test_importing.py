import io

import pytest
from openpyxl import Workbook

from labo.people.importing import ImportFileError, parse


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_parse_csv_with_semicolons_and_french_headers():
    data = "Nom;Prénom;Courriel;Catégorie;Compétences\nMartin;Anne;anne@x.fr;B;Prototypage, Vidéo\n"

    parsed = parse("rh.csv", data.encode("utf-8"))

    assert parsed.rows[0]["last_name"] == "Martin"
    assert parsed.rows[0]["first_name"] == "Anne"
    assert parsed.rows[0]["grade"] == "B"
    assert parsed.rows[0]["skills"] == "Prototypage, Vidéo"
    assert parsed.line_numbers == [2]


def test_parse_csv_in_windows_1252():
    data = "nom,prénom,email\nLéger,Hélène,h@x.fr\n".encode("cp1252")

    parsed = parse("rh.csv", data)

    assert parsed.rows[0]["last_name"] == "Léger"


def test_parse_skips_blank_lines_and_keeps_file_line_numbers():
    data = "nom;prénom;email\n\nA;B;a@x.fr\n;;\nC;D;c@x.fr\n"

    parsed = parse("rh.csv", data.encode())

    assert parsed.line_numbers == [3, 5]


def test_parse_xlsx_reads_dates_as_iso():
    import datetime

    data = xlsx(
        [
            ["Nom", "Prénom", "Email", "Date d'arrivée"],
            ["Martin", "Anne", "anne@x.fr", datetime.datetime(2026, 3, 1)],
        ]
    )

    parsed = parse("rh.xlsx", data)

    assert parsed.rows[0]["joined_on"] == "2026-03-01"


def test_parse_reports_ignored_columns():
    parsed = parse("rh.csv", b"nom;prenom;email;bureau\nA;B;a@x.fr;12\n")

    assert parsed.ignored_columns == ["bureau"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rh.pdf", b"%PDF", "Type de fichier non pris en charge"),
        ("rh.csv", b"", "Le fichier est vide"),
        ("rh.csv", b"nom;email\nA;a@x.fr\n", "Colonnes obligatoires manquantes : prénom."),
        ("rh.csv", b"nom;nom;prenom;email\n", "La colonne « nom » apparaît deux fois."),
        ("rh.xlsx", b"not a zip", "Le fichier n'est pas un classeur XLSX lisible."),
        ("rh.csv", b"nom;prenom;email\x00\n", "Le fichier n'est pas un fichier texte CSV."),
    ],
)
def test_parse_refuses_unreadable_files_in_french(name, data, message):
    with pytest.raises(ImportFileError) as error:
        parse(name, data)

    assert message in str(error.value)


def test_parse_refuses_too_many_rows(settings):
    settings.LABO_IMPORT_MAX_ROWS = 2
    data = "nom;prenom;email\n" + "".join(f"N{i};P{i};p{i}@x.fr\n" for i in range(3))

    with pytest.raises(ImportFileError) as error:
        parse("rh.csv", data.encode())

    assert "au plus 2 personnes" in str(error.value)
