import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from ateliers.models import DebateQuestion, Idea
from tests import factories


def export(client, session, what, fmt):
    return client.get(reverse("sessions:session-export", args=[session.pk, what, fmt]))


def test_attendance_as_csv_for_excel_in_french(world, facilitator_client):
    response = export(facilitator_client, world.session, "attendance", "csv")

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Date", "nom", "prénom", "Direction", "Rôle", "Présents"]
    assert rows[1][2] == "Bob"
    assert "grade" not in text.lower() and "catégorie" not in text.lower()


def test_results_as_xlsx_with_formulas_kept_as_text(world, client):
    world.atelier.ideas_revealed = True
    world.atelier.save()
    Idea.objects.create(atelier=world.atelier, text='=HYPERLINK("http://evil")')
    DebateQuestion.objects.create(
        atelier=factories.AtelierFactory(session=world.session, format="debat_mouvant"),
        text="Budget propre ?",
        yes=3,
        no=2,
        mixed=5,
    )
    client.force_login(world.management)

    response = export(client, world.session, "results", "xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["Atelier", "format", "type", "texte"]
    texts = [row[3] for row in values[1:]]
    assert "Budget propre ?" in texts
    # The text as typed, in a cell typed as text: no spreadsheet runs it as a formula.
    (cell,) = [row[3] for row in sheet.iter_rows() if str(row[3].value).startswith("=")]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil")', "s")


def test_hidden_ideas_stay_out_of_the_export(world, facilitator_client):
    Idea.objects.create(atelier=world.atelier, text="Pas encore dévoilée")

    response = export(facilitator_client, world.session, "results", "csv")

    assert "Pas encore dévoilée" not in response.content.decode("utf-8")


def test_unknown_export_is_404(world, facilitator_client):
    assert export(facilitator_client, world.session, "grades", "csv").status_code == 404
    assert export(facilitator_client, world.session, "results", "pdf").status_code == 404
