from labo.people.forms import ImportConfirmForm


def test_import_confirm_form_gives_back_the_rows_it_signed():
    rows = [{"last_name": "Martin", "first_name": "Anne", "email": "anne@x.fr"}]
    preview = ImportConfirmForm.for_rows(rows, [2])

    form = ImportConfirmForm({"payload": preview.initial["payload"]})

    assert form.is_valid()
    assert form.cleaned_data["payload"] == (rows, [2])


def test_import_confirm_form_refuses_an_altered_payload():
    form = ImportConfirmForm({"payload": "abc:def"})

    assert not form.is_valid()
    assert form.errors["payload"] == [
        "La prévisualisation a expiré ou a été modifiée : envoyez de nouveau le fichier."
    ]
