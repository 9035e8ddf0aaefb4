import pytest
from django.urls import reverse

from labo.lib.http import object_url


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("sessions:item-delete", [42]),
        ("ateliers:result-delete", [3, "idea", 987654322]),
        ("ateliers:photo-file", [7, "thumb"]),
    ],
)
def test_object_url_is_what_reverse_gives(name, args):
    assert object_url(name, *args) == reverse(name, args=args)
