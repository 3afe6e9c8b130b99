"""Demo products of the small firm and the households: spirit, nem chua, honey, turmeric.

Invented for this project as sample content. Only the firm's spirit has a GTIN; the
households' goods are reached by their local ref. RUOU's OCOP certificate has expired
(its star badge must not show) and NGHE has no OCOP rating at all.
"""

from __future__ import annotations

from datetime import date

from qrsvc.demo.common import link, ocop, photo
from qrsvc.demo.producers import gtin14

__all__ = ["OTHER_PRODUCTS"]

OTHER_PRODUCTS = [
    {
        "ref": "RUOU",
        "producer": "CTY-LAMSONXANH",
        "gtin": gtin14("CTY-LAMSONXANH", 1),
        "category": "beverage",
        "name": {"vi": "Rượu nếp cái Lam Sơn", "en": "Lam Sơn sticky-rice spirit"},
        "description": {
            "vi": "Rượu nấu từ nếp cái hoa vàng với men lá, ủ chum sành 3 tháng; 35% vol.",
            "en": (
                "Spirit distilled from yellow-flower sticky rice with leaf yeast, aged 3 months in "
                "clay jars; 35% vol."
            ),
        },
        "ingredients": {
            "vi": "Gạo nếp cái hoa vàng, men lá, nước.",
            "en": "Yellow-flower sticky rice, leaf yeast, water.",
        },
        "storage": {
            "vi": "Để nơi thoáng mát, tránh ánh nắng. Không dành cho người dưới 18 tuổi.",
            "en": "Keep cool, out of sunlight. Not for persons under 18.",
        },
        "net_content": "500 ml",
        **ocop(4, "MẪU-1095/QĐ-UBND", date(2022, 6, 10)),
        "photos": [
            photo(
                "ruou",
                0,
                "ruou-nep-lam-son.png",
                "Chai rượu nếp nhãn đỏ bên chum sành và hai chén nhỏ",
                "A bottle of rice spirit with a red label beside a clay jar and two small cups",
            ),
        ],
        "links": [
            link(
                "gs1:homepage", "https://lamsonxanh.example.vn/", "Trang của Công ty Lam Sơn Xanh"
            ),
            link(
                "gs1:certificationInfo",
                "https://ocop.example.vn/chung-nhan/RUOU",
                "Giấy chứng nhận OCOP 4 sao (hết hạn)",
            ),
        ],
    },
    {
        "ref": "NEMC",
        "producer": "HKD-NEMBAHANH",
        "category": "food",
        "name": {"vi": "Nem chua Thọ Xuân", "en": "Thọ Xuân nem chua (fermented pork roll)"},
        "description": {
            "vi": "Nem chua gói lá chuối, chua dịu, ăn kèm tỏi, ớt và lá đinh lăng.",
            "en": (
                "Fermented pork wrapped in banana leaves, mildly sour, eaten with garlic, chilli "
                "and polyscias leaf."
            ),
        },
        "ingredients": {
            "vi": "Thịt lợn nạc, bì lợn, thính gạo, tỏi, ớt, lá đinh lăng, muối, đường.",
            "en": (
                "Lean pork, pork skin, toasted rice powder, garlic, chilli, polyscias leaf, salt, "
                "sugar."
            ),
        },
        "storage": {
            "vi": "Bảo quản ngăn mát 2–6 °C; dùng trong 7 ngày kể từ ngày sản xuất.",
            "en": "Refrigerate at 2–6 °C; eat within 7 days of production.",
        },
        "shelf_life_days": 7,
        "net_content": "10 × 50 g",
        **ocop(3, "MẪU-2873/QĐ-UBND", date(2024, 11, 8)),
        "photos": [
            photo(
                "nem_chua",
                0,
                "nem-chua.png",
                "Hai hàng nem chua gói lá xanh buộc lạt đỏ, một chiếc đã bóc",
                "Two rows of nem chua in green leaves tied with red string, one unwrapped",
            ),
        ],
        "links": [
            link(
                "gs1:certificationInfo",
                "https://ocop.example.vn/chung-nhan/NEMC",
                "Giấy chứng nhận OCOP 3 sao",
            ),
        ],
    },
    {
        "ref": "MONG",
        "producer": "HKD-ONGLETAM",
        "category": "food",
        "name": {"vi": "Mật ong hoa nhãn Sao Vàng", "en": "Sao Vàng longan blossom honey"},
        "description": {
            "vi": "Mật ong nguyên chất từ mùa hoa nhãn, màu hổ phách, vị ngọt thanh.",
            "en": "Pure honey from the longan bloom, amber-coloured with a clean sweetness.",
        },
        "ingredients": {"vi": "100% mật ong hoa nhãn.", "en": "100% longan blossom honey."},
        "storage": {
            "vi": "Đậy kín, để nơi khô mát; mật kết tinh là hiện tượng tự nhiên.",
            "en": "Keep sealed, cool and dry; crystallisation is natural.",
        },
        "shelf_life_days": 730,
        "net_content": "500 ml",
        **ocop(3, "MẪU-0418/QĐ-UBND", date(2025, 1, 15)),
        "photos": [
            photo(
                "mat_ong",
                0,
                "mat-ong-hoa-nhan.png",
                "Hũ mật ong màu hổ phách bên tảng sáp ong và muôi gỗ",
                "An amber jar of honey beside a piece of honeycomb and a wooden dipper",
            ),
        ],
        "links": [
            link(
                "gs1:certificationInfo",
                "https://ocop.example.vn/chung-nhan/MONG",
                "Giấy chứng nhận OCOP 3 sao",
            ),
        ],
    },
    {
        "ref": "NGHE",
        "producer": "HKD-ONGLETAM",
        "category": "herbal",
        "name": {"vi": "Tinh bột nghệ Sao Vàng", "en": "Sao Vàng turmeric starch"},
        "description": {
            "vi": "Tinh bột nghệ vàng nguyên chất, lọc bỏ tinh dầu; chưa đánh giá OCOP.",
            "en": "Pure yellow turmeric starch with the oil removed; not yet OCOP-rated.",
        },
        "ingredients": {"vi": "100% củ nghệ vàng.", "en": "100% yellow turmeric root."},
        "storage": {"vi": "Đậy kín, tránh ánh nắng.", "en": "Keep sealed, out of sunlight."},
        "shelf_life_days": 365,
        "net_content": "200 g",
        "photos": [
            photo(
                "nghe",
                0,
                "tinh-bot-nghe.png",
                "Bát tinh bột nghệ vàng bên những củ nghệ tươi",
                "A bowl of yellow turmeric starch beside fresh turmeric roots",
            ),
        ],
        "links": [],
    },
]
