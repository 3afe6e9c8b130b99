"""trace: units typed as text become UN/ECE Rec. 20 codes where they map

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Units used to be free text ("kg", "hộp", "Lít"); the EPCIS export left out every
quantity whose unit it could not name. Units are now chosen from a list of codes.
A unit written in a way this migration knows becomes its code; any other text is
left as it was (the export names the event, the admin asks for a unit from the list).
The spellings are copied here, not imported, so this step means the same thing forever.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CODES = {
    "KGM": ("kg", "kgs", "kilogram", "kilôgam", "kí", "ký"),
    "GRM": ("g", "gr", "gram", "gam"),
    "MGM": ("mg",),
    "TNE": ("t", "tấn", "tonne", "ton"),
    "LTR": ("l", "lít", "lit", "litre", "liter"),
    "MLT": ("ml", "mililít"),
    "MTQ": ("m3", "m³", "khối"),
    "MTR": ("m", "mét"),
    "MTK": ("m2", "m²"),
    "HAR": ("ha", "hecta"),
    "H87": ("cái", "chiếc", "quả", "con", "piece", "pieces", "pc", "pcs"),
    "PR": ("đôi", "pair"),
    "SET": ("bộ", "set"),
    "DZN": ("tá", "dozen"),
    "XBX": ("hộp", "box", "boxes"),
    "XBO": ("chai", "bottle", "bottles"),
    "XJR": ("hũ", "lọ", "jar", "jars"),
    "XBG": ("túi", "bag", "bags"),
    "XPK": ("gói", "pack", "package"),
    "XCT": ("thùng", "carton", "cartons"),
    "XTN": ("lon", "tin", "can"),
    "XSA": ("bao", "sack"),
    "XBE": ("bó", "bundle"),
    "XBK": ("giỏ", "rổ", "basket"),
    "XPU": ("khay", "tray"),
    "XBJ": ("xô", "bucket"),
}
SPELLINGS = {
    " ".join(unicodedata.normalize("NFC", text).casefold().split()): code
    for code, texts in CODES.items()
    for text in (code, *texts)
}
TABLES = ("batches", "batch_inputs", "trace_events")


def upgrade():
    conn = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("unit", sa.String(20)))
        written = conn.execute(sa.select(table.c.unit).distinct()).scalars().all()
        for text in written:
            key = " ".join(unicodedata.normalize("NFC", text or "").casefold().split())
            code = SPELLINGS.get(key)
            if code and code != text:
                conn.execute(sa.update(table).where(table.c.unit == text).values(unit=code))


def downgrade():
    pass  # a code is a valid free-text unit: nothing to undo
