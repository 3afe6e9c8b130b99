"""Demo relic QX01: a record still in draft, so the publication workflow has one to show.

Invented for this project as sample content; a draft is not shown to the public.
"""

from __future__ import annotations

__all__ = ["QUANG_XA"]

QUANG_XA = {
    "code": "QX01",
    "slug": "dinh-quang-xa",
    "rank": "unranked",
    "commune": "xã Xuân Tín",
    "commune_old": "xã Xuân Tín",
    "district_old": "huyện Thọ Xuân",
    "province": "Thanh Hóa",
    "address": "Làng Quảng Xá, xã Xuân Tín, tỉnh Thanh Hóa",
    "latitude": 19.9862,
    "longitude": 105.3921,
    "opening_hours": [],
    "status": "draft",
    "translations": {
        "vi": {
            "name": "Đình làng Quảng Xá",
            "summary": "Hồ sơ đang soạn: ngôi đình làng đã xuống cấp, đang chờ khảo sát để tu bổ.",
            "history": "Cán bộ văn hóa xã đang thu thập tư liệu và lời kể của các cụ cao niên.",
            "directions": "Cuối làng Quảng Xá, gần bến đò cũ.",
        },
        "en": {
            "name": "Quảng Xá Communal House",
            "summary": (
                "Draft record: a dilapidated communal house awaiting a survey before repair."
            ),
            "history": (
                "The commune's culture officer is collecting documents and the elders' accounts."
            ),
            "directions": "At the far end of Quảng Xá village, near the old ferry landing.",
        },
    },
    "festivals": [],
    "steles": [],
    "photos": [
        {
            "scene": "village_gate",
            "seed": 9,
            "name": "dinh-quang-xa-cong-lang.png",
            "alt": {
                "vi": "Cổng làng Quảng Xá trên con đường giữa cánh đồng",
                "en": "The gate of Quảng Xá village on a road through the rice fields",
            },
        },
        {
            "scene": "dinh",
            "seed": 5,
            "name": "dinh-quang-xa.png",
            "alt": {
                "vi": "Đình làng Quảng Xá mái ngói rêu phong cần tu bổ",
                "en": "Quảng Xá communal house with a weathered tiled roof in need of repair",
            },
        },
    ],
    "related": [],
}
