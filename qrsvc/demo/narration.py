"""The demo's audio narration: Lam Kinh's greeting, read in Vietnamese by a speech synthesizer.

The file is stored and attached like an upload in the admin (the same checks of
:mod:`qrsvc.content.uploads`, the same storage key), so the relic page plays it as it
would play staff's own recordings.
"""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qrsvc.content.uploads import UploadTexts, store_upload
from qrsvc.demo.result import DemoResult
from qrsvc.media.storage import MediaStore
from qrsvc.models import Relic, RelicMedia

__all__ = ["NARRATION", "load_narration"]

# audio/lam-kinh-loi-chao.mp3 was made for this project (2026-12) from the Vietnamese
# audio_transcript of LK01 (relics_lamkinh.py), offline, with Debian's packages:
#   espeak-ng -v vi -s 140 -f greeting.txt -w greeting.wav            (espeak-ng 1.51)
#   lame -m m --resample 16 -b 24 --id3v2-only greeting.wav out.mp3   (lame 3.100)
# 21 seconds, mono, 24 kbit/s MP3: small enough for 3G and for the repository.
NARRATION = {
    "relic": "LK01",
    "file": "lam-kinh-loi-chao.mp3",
    "duration_s": 21.0,
    "credit": "Giọng đọc máy (espeak-ng), nội dung mẫu / Synthetic voice, sample content",
}


def narration_bytes() -> bytes:
    """The committed MP3 file of the demo narration."""
    return files("qrsvc.demo").joinpath("audio", NARRATION["file"]).read_bytes()


def load_narration(session: Session, store: MediaStore, result: DemoResult) -> None:
    """Attach the narration to its relic unless that relic already has audio."""
    relic = session.scalar(select(Relic).where(Relic.code == NARRATION["relic"]))
    if relic is None or any(link.media.kind == "audio" for link in relic.media):
        return
    media = store_upload(
        session,
        store,
        narration_bytes(),
        NARRATION["file"],
        UploadTexts(alt={}, transcript={}, credit=NARRATION["credit"]),
        producer_id=None,
        user_id=None,
    )
    media.duration_s = media.duration_s or NARRATION["duration_s"]
    position = session.scalar(
        select(func.coalesce(func.max(RelicMedia.position), -1)).where(
            RelicMedia.relic_id == relic.id
        )
    )
    relic.media.append(RelicMedia(media=media, position=position + 1))
    session.flush()
    result.add("narrations", relic.code)
