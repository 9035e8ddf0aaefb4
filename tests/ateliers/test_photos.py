import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ateliers import photos


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def png_upload(name="board.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def jpeg_with_gps_and_rotation() -> bytes:
    image = Image.new("RGB", (300, 100), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise: must come out upright (100 × 300)
    exif[0x8825] = {2: (48.0, 51.0, 24.0), 4: (2.0, 21.0, 7.0)}  # GPS
    exif[0x010F] = "CameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_photo_is_turned_upright_and_stripped_of_every_metadata():
    result = photos.process(upload("board.jpg", jpeg_with_gps_and_rotation()))

    out = Image.open(io.BytesIO(result.image.read()))
    assert (out.width, out.height) == (100, 300)
    assert dict(out.getexif()) == {}
    assert "exif" not in out.info
    assert b"CameraMaker" not in result.image.read()


def test_large_photo_is_downscaled_to_2000_px_with_a_thumbnail():
    data = image_bytes("JPEG", size=(4000, 3000), color=(10, 120, 10))

    result = photos.process(upload("board.jpeg", data))

    assert (result.width, result.height) == (2000, 1500)
    thumb = Image.open(io.BytesIO(result.thumbnail.read()))
    assert max(thumb.size) == 400


def test_png_with_transparency_and_webp_are_accepted():
    assert photos.process(png_upload()).width == 64
    assert photos.process(upload("board.webp", image_bytes("WEBP"))).height == 48


def noisy_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3)).save(buffer, "JPEG")
    return buffer.getvalue()


def bomb() -> bytes:
    # A tiny PNG that claims 30000 × 30000 pixels (900 megapixels).
    buffer = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, "PNG")
    return buffer.getvalue()


ZOO = {
    "decompression bomb": ("bomb.png", bomb, "n'est pas une photo"),
    "truncated": (
        "cut.jpg",
        lambda: image_bytes("JPEG", size=(800, 600))[:2000],
        "endommagée ou incomplète",
    ),
    "wrong extension": ("photo.jpg", lambda: image_bytes("PNG"), "son contenu en est un autre"),
    "svg with a script": (
        "board.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "n'est pas une photo",
    ),
    "gif": ("board.gif", lambda: image_bytes("GIF"), "n'est pas une photo"),
    "text": ("notes.jpg", lambda: b"just some text", "n'est pas une photo"),
    "50 MB": ("huge.jpg", lambda: b"\xff\xd8" + b"0" * (50 * 1024 * 1024), "plus de 15 Mo"),
}


@pytest.mark.parametrize("case", sorted(ZOO))
def test_bad_files_are_refused_in_french(case):
    name, make, message = ZOO[case]

    with pytest.raises(photos.PhotoError) as error:
        photos.process(upload(name, make()))

    assert message in str(error.value)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_polyglot_is_refused(fmt):
    name = {"JPEG": "board.jpg", "PNG": "board.png", "WEBP": "board.webp"}[fmt]
    data = image_bytes(fmt) + b"PK\x03\x04" + b"<?php system($_GET['c']); ?>" * 4

    with pytest.raises(photos.PhotoError) as error:
        photos.process(upload(name, data))

    assert "autre chose après la photo" in str(error.value)


def test_metadata_smuggled_inside_the_image_does_not_survive():
    image = Image.new("RGB", (50, 50), (9, 9, 9))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", comment=b"<script>alert(1)</script>")

    result = photos.process(upload("board.jpg", buffer.getvalue()))

    assert b"<script>" not in result.image.read()


def test_truncated_photo_is_refused_even_after_weasyprint_is_imported():
    import weasyprint  # noqa: F401  (it sets ImageFile.LOAD_TRUNCATED_IMAGES for the process)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    for name, data in (
        ("cut.jpg", noisy_jpeg()[:20000]),
        ("cut.png", image_bytes("PNG", size=(300, 300))[:-30]),
    ):
        with pytest.raises(photos.PhotoError):
            photos.process(upload(name, data))


def test_print_copy_is_made_with_the_photo_at_print_size_beside_it(db, settings, tmp_path):
    from ateliers.photos import PRINT_SIDE, print_copy, print_name
    from ateliers.services import add_photo
    from tests import factories

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("big.png", image_bytes("PNG", size=(2400, 1800)))
    photo = add_photo(atelier=factories.AtelierFactory(), upload=upload, caption="", author=None)
    path = Path(photo.image.storage.path(print_name(photo.image.name)))
    made = path.stat().st_mtime_ns  # made by add_photo: no document waits for it

    assert print_copy(photo) == path
    assert path.parent == Path(photo.image.path).parent
    with Image.open(path) as image:
        assert max(image.size) == PRINT_SIDE
    assert print_copy(photo).stat().st_mtime_ns == made
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_a_photo_without_print_copy_gets_one_when_drawn(db, settings, tmp_path):
    from ateliers.photos import PRINT_SIDE, print_copy
    from ateliers.services import add_photo
    from tests import factories

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("big.png", image_bytes("PNG", size=(2400, 1800)))
    photo = add_photo(atelier=factories.AtelierFactory(), upload=upload, caption="", author=None)
    print_copy(photo).unlink()  # a photo added before print copies were made with it

    with Image.open(print_copy(photo)) as image:
        assert max(image.size) == PRINT_SIDE
