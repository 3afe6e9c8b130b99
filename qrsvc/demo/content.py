"""The demo data set, gathered from the content modules.

Everything here was written for this project and is sample content: a visible note
(:data:`SAMPLE_NOTE`) is added to every relic summary and product description when it
is loaded. The records are keyed by stable codes and refs so the loader can tell what
is already in the database.
"""

from __future__ import annotations

from qrsvc.demo.batches import BATCHES
from qrsvc.demo.common import SAMPLE_NOTE
from qrsvc.demo.producers import PRODUCERS
from qrsvc.demo.products_coops import COOPERATIVE_PRODUCTS
from qrsvc.demo.products_others import OTHER_PRODUCTS
from qrsvc.demo.relics_draft import QUANG_XA
from qrsvc.demo.relics_lamkinh import LAM_KINH
from qrsvc.demo.relics_temples import LE_HOAN, LONG_PHUC
from qrsvc.demo.relics_village import PHUC_LOC, TU_TRU

__all__ = ["BATCHES", "PRODUCERS", "PRODUCTS", "RELICS", "SAMPLE_NOTE", "USERS"]

RELICS = [LAM_KINH, LE_HOAN, LONG_PHUC, PHUC_LOC, TU_TRU, QUANG_XA]
PRODUCTS = COOPERATIVE_PRODUCTS + OTHER_PRODUCTS

#: One account per role; passwords are generated when the account is first created.
USERS = [
    {"email": "admin@demo.qrsvc.local", "display_name": "Quản trị (demo)", "role": "admin"},
    {"email": "editor@demo.qrsvc.local", "display_name": "Biên tập viên (demo)", "role": "editor"},
    {
        "email": "producer@demo.qrsvc.local",
        "display_name": "HTX Bánh gai Tứ Trụ (demo)",
        "role": "producer",
        "producer": "HTX-TUTRU",
    },
]
