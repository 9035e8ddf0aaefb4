"""Photos of the boards: only real JPEG, PNG or WebP pictures get in, re-encoded from their
pixels (which drops EXIF, GPS and anything smuggled after the image data), turned upright,
downscaled to 2000 px and given a thumbnail. The uploaded file itself is never kept."""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # 8000 × 6250; a decompression bomb is far larger
# What decoding may take in memory, read from the header before any pixel is decoded: a JPEG
# is decoded already scaled down (draft), a PNG or WebP in full (a 4000 × 3000 RGB one is
# 36 MB; a 7000 × 7000 RGBA one would be 196 MB, and several times that once converted).
MAX_DECODED_BYTES = 64 * 1024 * 1024
LONG_SIDE = 2000
THUMB_SIDE = 400
PRINT_SIDE = 1000  # 85 mm wide at 300 dpi: what a printed synthesis needs
MAX_TRAILING_BYTES = 32  # some cameras pad after the end marker; a hidden file is far larger
FORMATS = {"JPEG": (".jpg", ".jpeg", ".jfif"), "PNG": (".png",), "WEBP": (".webp",)}
# A multi-picture JPEG (MPO: phones and cameras that store a depth map or a second view) is
# a JPEG whose first picture is the photo.
SAME_AS = {"MPO": "JPEG"}


class PhotoError(ValueError):
    """The file is refused; the message says why, in French."""


@dataclass
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _encode(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    # Baseline encoding: "optimize" and "progressive" cost six times the time for 5 % of size.
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=name)


def _open(data: bytes, filename: str) -> tuple[Image.Image, str]:
    """The image and its format (a key of FORMATS)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as error:
            raise PhotoError(_("This file is not a JPEG, PNG or WebP photo.")) from error
    fmt = SAME_AS.get(image.format or "", image.format)
    if fmt not in FORMATS:  # Pillow opened it as one of them: never, but said to the types
        raise PhotoError(_("This file is not a JPEG, PNG or WebP photo."))
    if image.width * image.height > MAX_PIXELS:
        raise PhotoError(_("This image is too large in pixels to be a photo of a board."))
    extensions = FORMATS[fmt]
    if not filename.lower().endswith(extensions):
        raise PhotoError(
            _(
                "The file's name says one format but its content is another: send the photo as it "
                "came from the camera."
            )
        )
    return image, fmt


def _decoded_bytes(image: Image.Image) -> int:
    """What the pixels will take once decoded, from the header (and the draft for a JPEG)."""
    bytes_per_band = 2 if "16" in image.mode else 1
    return image.width * image.height * len(image.getbands()) * bytes_per_band


def _complete(data: bytes, fmt: str) -> bool:
    """Whether the image data reaches its end marker.

    Pillow would say so on load, but WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES for the
    whole process, so the check cannot rely on it.
    """
    if fmt == "JPEG":
        return data.rfind(b"\xff\xd9") > data.rfind(b"\xff\xda") > 0
    if fmt == "PNG":
        return b"IEND" in data[-64:] or data.rfind(b"IEND") > data.rfind(b"IDAT") > 0
    if fmt == "WEBP":
        return int.from_bytes(data[4:8], "little") + 8 <= len(data)
    return False


def _trailing(data: bytes, fmt: str) -> int:
    """Bytes after the end of the image: where a polyglot hides its second file."""
    if fmt == "JPEG":
        return len(data) - (data.rfind(b"\xff\xd9") + 2)
    if fmt == "PNG":
        return len(data) - (data.rfind(b"IEND") + 8)
    if fmt == "WEBP":
        return len(data) - (int.from_bytes(data[4:8], "little") + 8)
    return 0


def process(upload: UploadedFile) -> ProcessedPhoto:
    """Check and clean an uploaded photo, or raise PhotoError with a French message."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 15 MB."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 15 MB."))
    image, fmt = _open(data, upload.name or "")
    if not _complete(data, fmt):
        raise PhotoError(_("This photo is damaged or incomplete."))
    if _trailing(data, fmt) > MAX_TRAILING_BYTES:
        raise PhotoError(_("This file holds something else after the photo: it is refused."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if image.format == "JPEG":
                # Let the decoder scale down by 2, 4 or 8 while decoding: far less work.
                scale = LONG_SIDE / max(image.size)
                image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
            if _decoded_bytes(image) > MAX_DECODED_BYTES:
                raise PhotoError(_("This image is too large in pixels to be a photo of a board."))
            image.load()
            upright = ImageOps.exif_transpose(image)
    except PhotoError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
        raise PhotoError(_("This photo is damaged or incomplete.")) from error
    upright.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = upright.convert("RGB")
    # Only the pixels are kept: a new image has no EXIF, GPS, ICC or trailing data.
    clean = Image.frombytes("RGB", flat.size, flat.tobytes())
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        image=_encode(clean, "photo.jpg"),
        thumbnail=_encode(thumb, "thumb.jpg"),
        width=clean.width,
        height=clean.height,
    )


def print_name(name: str) -> str:
    """Where the print copy of a stored photo lives: beside it."""
    stored = PurePosixPath(name)
    return str(stored.with_name(f"{stored.stem}.print.jpg"))


def print_copy(photo) -> Path:
    """The processed photo at print size, kept beside it: a synthesis of thirty photos stays a
    few megabytes. Made when the photo is added (add_photo), so that no one waits for it when
    a document is drawn; made here for a photo that has none. The source is ours (already
    cleaned and bounded)."""
    source = Path(photo.image.path)
    target = source.with_name(Path(print_name(source.name)).name)
    if not target.exists():
        with Image.open(source) as image:
            image.draft("RGB", (PRINT_SIDE, PRINT_SIDE))
            image.thumbnail((PRINT_SIDE, PRINT_SIDE), Image.Resampling.LANCZOS)
            partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            image.save(partial, "JPEG", quality=80)
        os.replace(partial, target)  # two workers drawing at once never see half a file
    return target
