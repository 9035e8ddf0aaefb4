from labo.models import Person
from labo.queries import grade_mix
from tests import factories


def make(grades):
    for grade, count in grades.items():
        factories.PersonFactory.create_batch(count, grade=grade)


def test_grade_mix_counts_each_grade(db):
    make({"A": 6, "B": 5, "C": 7})

    mix = grade_mix(Person.objects.all())

    assert mix.masked is False
    assert mix.total == 18
    assert [count for _label, count in mix.rows] == [6, 5, 7, 0]


def test_grade_mix_masks_small_cells(db):
    make({"A": 9, "B": 2})

    mix = grade_mix(Person.objects.all())

    # B alone masked would be 11 - 9: the next smallest cell goes with it, and the total.
    assert [count for _label, count in mix.rows] == [None, None, 0, 0]
    assert mix.total is None


def test_grade_mix_masks_everything_under_five_people(db):
    make({"A": 3, "C": 1})

    mix = grade_mix(Person.objects.all())

    assert mix.masked is True
    assert [count for _label, count in mix.rows] == [None, None, None, None]
