import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sessions.models import MAX_ITEM_MINUTES, AgendaItem, Day
from tests import factories


def test_validating_a_block_asks_the_database_nothing(db, django_assert_num_queries):
    day = factories.DayFactory()
    block = AgendaItem(day=day, title="Débat mouvant", duration_minutes=45)

    with django_assert_num_queries(0):
        block.full_clean(exclude={"day", "parent"})


@pytest.mark.parametrize("minutes", [0, MAX_ITEM_MINUTES + 1])
def test_a_duration_out_of_range_is_still_refused_by_the_field_and_the_database(db, minutes):
    block = factories.AgendaItemFactory()
    block.duration_minutes = minutes

    with pytest.raises(ValidationError) as refused:
        block.full_clean(exclude={"day", "parent"})
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=block.pk).update(duration_minutes=minutes)

    assert list(refused.value.message_dict) == ["duration_minutes"]


def test_a_day_saved_from_an_earlier_read_never_takes_its_revision_back(db):
    day = factories.DayFactory()
    earlier = Day.objects.get(pk=day.pk)
    factories.AgendaItemFactory(day=day)  # moves the revision on
    moved_on = Day.objects.get(pk=day.pk).revision

    earlier.title = "Le Grand Atelier"
    earlier.save()
    saved = Day.objects.get(pk=day.pk)

    assert saved.title == "Le Grand Atelier"
    assert saved.revision == moved_on + 1  # the save's own change, after the block's
