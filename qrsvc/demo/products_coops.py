"""Demo products of the two cooperatives: bánh gai and chè lam of Tứ Trụ, rice of Xuân Lập.

Invented for this project as sample content. All four carry GTINs under prefix 893 with
computed check digits; GNHV's OCOP certificate runs out soon after the demo's dates.
"""

from __future__ import annotations

from datetime import date

from qrsvc.demo.common import link, ocop, photo
from qrsvc.demo.producers import gtin14

__all__ = ["COOPERATIVE_PRODUCTS"]

COOPERATIVE_PRODUCTS = [
    {
        "ref": "BGTT",
        "producer": "HTX-TUTRU",
        "gtin": gtin14("HTX-TUTRU", 1),
        "category": "food",
        "name": {"vi": "Bánh gai Tứ Trụ", "en": "Tứ Trụ bánh gai (ramie leaf cake)"},
        "description": {
            "vi": "Bánh gai truyền thống làng Tứ Trụ: vỏ lá gai đen óng, nhân đậu xanh, dừa, vừng.",
            "en": (
                "Traditional cake of Tứ Trụ village: a glossy black ramie-leaf dough filled with "
                "mung bean, coconut and sesame."
            ),
        },
        "ingredients": {
            "vi": "Gạo nếp cái hoa vàng, lá gai, đậu xanh, đường mía, dừa, vừng, mỡ lợn.",
            "en": (
                "Yellow-flower sticky rice, ramie leaves, mung beans, cane sugar, coconut, sesame, "
                "lard."
            ),
        },
        "storage": {
            "vi": "Để nơi khô mát; ngon nhất trong 5 ngày, hấp lại trước khi ăn.",
            "en": "Keep cool and dry; best within 5 days, steam again before eating.",
        },
        "shelf_life_days": 10,
        "net_content": "10 × 120 g",
        **ocop(5, "MẪU-0512/QĐ-BNN", date(2024, 9, 16)),
        "photos": [
            photo(
                "banh_gai",
                0,
                "banh-gai-tu-tru.png",
                "Ba chiếc bánh gai gói lá chuối khô trên lá chuối xanh, một chiếc bổ đôi",
                "Three bánh gai in dried banana leaves on a green leaf, one cut in half",
            ),
            photo(
                "banh_gai",
                3,
                "banh-gai-tu-tru-2.png",
                "Cận cảnh bánh gai bổ đôi: vỏ đen, nhân đậu xanh vàng; sau là một chiếc nguyên",
                "A bánh gai cut in half: black dough, golden filling; a whole one behind",
            ),
        ],
        "links": [
            link("gs1:homepage", "https://banhgai-tutru.example.vn/", "Trang của HTX Tứ Trụ"),
            link(
                "gs1:certificationInfo",
                "https://ocop.example.vn/chung-nhan/BGTT",
                "Giấy chứng nhận OCOP 5 sao",
            ),
            link(
                "gs1:recipeInfo", "https://banhgai-tutru.example.vn/hap-banh", "Cách hấp lại bánh"
            ),
            link("gs1:hasRetailers", "https://banhgai-tutru.example.vn/diem-ban", "Điểm bán"),
            link(
                "gs1:hasRetailers",
                "https://banhgai-tutru.example.vn/en/shops",
                "Where to buy",
                "en",
            ),
        ],
    },
    {
        "ref": "CHLA",
        "producer": "HTX-TUTRU",
        "gtin": gtin14("HTX-TUTRU", 2),
        "category": "food",
        "name": {"vi": "Chè lam Tứ Trụ", "en": "Tứ Trụ chè lam (sticky rice and ginger bar)"},
        "description": {
            "vi": "Bánh chè lam dẻo, thơm gừng, phủ lạc rang và vừng.",
            "en": (
                "Soft sticky-rice bars flavoured with ginger, topped with roasted peanuts and "
                "sesame."
            ),
        },
        "ingredients": {
            "vi": "Bột nếp rang, mật mía, gừng, lạc, vừng.",
            "en": "Roasted sticky-rice flour, cane molasses, ginger, peanuts, sesame.",
        },
        "storage": {"vi": "Đậy kín, để nơi khô ráo.", "en": "Keep sealed in a dry place."},
        "shelf_life_days": 60,
        "net_content": "300 g",
        **ocop(3, "MẪU-2210/QĐ-UBND", date(2025, 3, 20)),
        "photos": [
            photo(
                "che_lam",
                0,
                "che-lam.png",
                "Những miếng chè lam phủ lạc trên đĩa sứ trắng",
                "Pieces of chè lam topped with peanuts on a white plate",
            ),
        ],
        "links": [
            link(
                "gs1:certificationInfo",
                "https://ocop.example.vn/chung-nhan/CHLA",
                "Giấy chứng nhận OCOP 3 sao",
            ),
        ],
    },
    {
        "ref": "GNHV",
        "producer": "HTX-XUANLAP",
        "gtin": gtin14("HTX-XUANLAP", 1),
        "category": "food",
        "name": {"vi": "Gạo nếp cái hoa vàng Xuân Lập", "en": "Xuân Lập yellow-flower sticky rice"},
        "description": {
            "vi": "Nếp cái hoa vàng hạt tròn, dẻo thơm — nguyên liệu của bánh gai và rượu nếp.",
            "en": (
                "Round-grained, fragrant sticky rice — the raw material of bánh gai and rice "
                "spirit."
            ),
        },
        "ingredients": {
            "vi": "100% gạo nếp cái hoa vàng.",
            "en": "100% yellow-flower sticky rice.",
        },
        "storage": {
            "vi": "Để nơi khô, tránh ẩm và côn trùng.",
            "en": "Store dry, away from damp and insects.",
        },
        "shelf_life_days": 365,
        "net_content": "2 kg",
        **ocop(4, "MẪU-3187/QĐ-UBND", date(2023, 12, 5)),
        "photos": [
            photo(
                "gao_nep",
                0,
                "nep-cai-hoa-vang.png",
                "Nếp cái hoa vàng vàng óng trên nia tre, bên cạnh bông lúa chín",
                "Golden sticky rice on a round bamboo tray beside ripe rice ears",
            ),
        ],
        "links": [
            link("gs1:homepage", "https://gao-xuanlap.example.vn/", "Trang của HTX Xuân Lập"),
            link(
                "gs1:certificationInfo",
                "https://ocop.example.vn/chung-nhan/GNHV",
                "Giấy chứng nhận OCOP 4 sao",
            ),
            link("gs1:recipeInfo", "https://gao-xuanlap.example.vn/xoi-nep", "Cách nấu xôi nếp"),
        ],
    },
    {
        "ref": "GTSV",
        "producer": "HTX-XUANLAP",
        "gtin": gtin14("HTX-XUANLAP", 2),
        "category": "food",
        "name": {"vi": "Gạo thơm Sao Vàng", "en": "Sao Vàng fragrant rice"},
        "description": {
            "vi": (
                "Gạo tẻ hạt dài, cơm mềm, thơm nhẹ; canh tác theo quy trình giảm phân bón hóa học."
            ),
            "en": (
                "Long-grain rice, soft and lightly fragrant; grown with reduced chemical "
                "fertiliser."
            ),
        },
        "ingredients": {"vi": "100% gạo tẻ thơm.", "en": "100% fragrant white rice."},
        "storage": {"vi": "Để nơi khô thoáng.", "en": "Store in a dry, airy place."},
        "shelf_life_days": 365,
        "net_content": "5 kg",
        **ocop(3, "MẪU-1544/QĐ-UBND", date(2024, 6, 12)),
        "photos": [
            photo(
                "gao",
                0,
                "gao-thom-sao-vang.png",
                "Bát gạo trắng bên túi gạo và bông lúa",
                "A bowl of white rice beside a rice bag and rice ears",
            ),
        ],
        "links": [
            link("gs1:recipeInfo", "https://gao-xuanlap.example.vn/nau-com", "Cách nấu cơm ngon"),
            link("gs1:hasRetailers", "https://gao-xuanlap.example.vn/dai-ly", "Đại lý"),
        ],
    },
]
