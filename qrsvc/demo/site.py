"""The demo's site: a former district of Thanh Hóa, as ``qrsvc site init`` would set it.

The place names live here and in the demo's records only: templates, catalogs and the
rest of the code take the site's identity from the database
(``tests/test_site_identity.py`` checks it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from qrsvc.demo.result import DemoResult
from qrsvc.models import Site
from qrsvc.site import store_site

DEMO_SITE = {
    "texts": {
        "vi": {
            "name": "Di tích và sản phẩm OCOP Thọ Xuân",
            "short_name": "Thọ Xuân",
            "region": "Thọ Xuân, Thanh Hóa",
            "introduction": (
                "Thọ Xuân, Thanh Hóa là quê hương nhà Hậu Lê: khu di tích Lam Kinh, đền thờ "
                "vua Lê Hoàn cùng nhiều đình, đền, miếu."
            ),
            "office": "Phòng Văn hóa – Thông tin Thọ Xuân, Thanh Hóa",
        },
        "en": {
            "name": "Heritage and OCOP products of Thọ Xuân",
            "short_name": "Thọ Xuân",
            "region": "Thọ Xuân, Thanh Hóa",
            "introduction": (
                "Thọ Xuân, in Thanh Hóa, is the homeland of the Later Lê dynasty: the Lam Kinh "
                "royal citadel, the temple of Emperor Lê Hoàn and many communal houses and "
                "shrines."
            ),
            "office": "Culture office of Thọ Xuân, Thanh Hóa",
        },
    },
    "contact_email": "vanhoa@example.org",
    "hotline": "0237 3834 123",
    "content_languages": ["vi", "en", "zh", "ko", "fr"],
}


def load_site(session: Session, result: DemoResult) -> None:
    """Set the demo's site unless a site is saved already (a second run changes nothing)."""
    if session.get(Site, 1) is not None:
        return
    store_site(session, DEMO_SITE, actor="qrsvc demo")
    result.add("site", DEMO_SITE["texts"]["vi"]["short_name"])
