"""Demo relics LH01 (temple of Lê Hoàn) and LP01 (a village pagoda).

Written for this project as sample content. Lê Hoàn's life follows the commonly told
history; LP01 is an invented pagoda, typical of the district, not a real one.
"""

from __future__ import annotations

from datetime import date

from qrsvc.demo.common import EVERY_DAY, prose

__all__ = ["LE_HOAN", "LONG_PHUC"]

LE_HOAN = {
    "code": "LH01",
    "slug": "den-tho-le-hoan",
    "rank": "national",
    "rank_decision_no": "0000/QĐ-BVHTT (mẫu)",
    "rank_decision_date": date(1991, 5, 2),
    "commune": "xã Xuân Lập",
    "commune_old": "xã Xuân Lập",
    "district_old": "huyện Thọ Xuân",
    "province": "Thanh Hóa",
    "address": "Làng Trung Lập, xã Xuân Lập, tỉnh Thanh Hóa",
    "latitude": 19.9712,
    "longitude": 105.4368,
    "opening_hours": [
        {"days": EVERY_DAY, "opens": "06:30", "closes": "11:30"},
        {"days": EVERY_DAY, "opens": "13:30", "closes": "18:00"},
    ],
    "fee_vnd": 0,
    "phone": "+84 237 000 0102",
    "email": "denlehoan@example.vn",
    "status": "published",
    "translations": {
        "vi": {
            "name": "Đền thờ Lê Hoàn",
            "other_names": "Đền vua Lê Đại Hành; Đền Trung Lập",
            "summary": (
                "Đền thờ vua Lê Đại Hành (Lê Hoàn, 941–1005), người đánh thắng quân Tống năm "
                "981, tại làng Trung Lập — nơi theo truyền thuyết là quê hương của ông."
            ),
            "history": prose("""
                Lê Hoàn sinh năm Tân Sửu (941) ở đất Ái Châu (Thanh Hóa ngày nay). Theo truyền
                ngôn địa phương, ông sinh ra ở làng Trung Lập. Ông làm tướng dưới triều Đinh, giữ
                chức Thập đạo tướng quân.

                Năm 980, trước nguy cơ quân Tống xâm lược, ông được tôn lên ngôi, lập ra nhà Tiền
                Lê. Năm 981 ông chỉ huy đánh tan quân Tống trên sông Bạch Đằng và ở Chi Lăng, giữ
                vững nền độc lập. Ông còn cho đào kênh, mở đường và khuyến khích nông nghiệp; lễ
                cày tịch điền do ông khởi xướng được ghi trong sử sách.

                Dân làng lập đền thờ ông từ lâu đời; ngôi đền hiện nay được trùng tu nhiều lần.
            """),
            "architecture": prose("""
                Đền quay về hướng nam, gồm nghi môn tam quan, sân lát gạch, tiền đường, trung
                đường và hậu cung theo kiểu chữ "Đinh" (丁). Mái lợp ngói mũi, bốn góc đao cong.
                Trong hậu cung đặt tượng vua bằng gỗ sơn son thếp vàng.
            """),
            "worshipped": "Vua Lê Đại Hành (Lê Hoàn) và thân mẫu của vua.",
            "directions": (
                "Từ khu di tích Lam Kinh đi về phía đông khoảng 8 km theo đường tỉnh, rẽ vào làng "
                "Trung Lập theo biển chỉ dẫn; đền ở cạnh nhà văn hóa thôn."
            ),
            "hours_note": "Mở cửa 6:30–11:30 và 13:30–18:00 hằng ngày.",
            "fees_note": "Không thu vé. Hòm công đức đặt tại tiền đường.",
            "audio_transcript": prose("""
                Đây là đền thờ vua Lê Đại Hành. Mời quý khách thắp hương tại tiền đường; hậu cung
                chỉ mở vào ngày lễ. Xin ăn mặc kín đáo và giữ trật tự nơi thờ tự.
            """),
        },
        "en": {
            "name": "Temple of Lê Hoàn",
            "other_names": "Temple of Emperor Lê Đại Hành; Trung Lập temple",
            "summary": (
                "Temple of Emperor Lê Đại Hành (Lê Hoàn, 941–1005), who defeated the Song army in "
                "981, in Trung Lập village — by local tradition his birthplace."
            ),
            "history": prose("""
                Lê Hoàn was born in 941 in Ái Châu, today's Thanh Hóa; local tradition places his
                birth in Trung Lập village. He served the Đinh dynasty as commander of the ten
                armies.

                In 980, with a Song invasion imminent, he was raised to the throne and founded
                the Early Lê dynasty. In 981 he routed the Song forces on the Bạch Đằng river and
                at Chi Lăng, securing the country's independence. He also had canals dug and
                roads built, and the royal ploughing ceremony he began is recorded in the annals.

                The villagers have worshipped him here for centuries; the present temple has been
                restored several times.
            """),
            "architecture": prose("""
                The temple faces south: a three-entrance gate, a brick courtyard, then the front,
                middle and rear halls in a 丁 (T-shaped) plan. The tiled roofs have upturned
                corners. The rear sanctuary holds a lacquered and gilded wooden statue of the
                emperor.
            """),
            "worshipped": "Emperor Lê Đại Hành (Lê Hoàn) and his mother.",
            "directions": (
                "From Lam Kinh go about 8 km east on the provincial road and turn into Trung Lập "
                "village at the sign; the temple is beside the village hall."
            ),
            "hours_note": "Open daily 6:30–11:30 and 13:30–18:00.",
            "fees_note": "Free admission. A donation box stands in the front hall.",
            "audio_transcript": prose("""
                This is the temple of Emperor Lê Đại Hành. You may offer incense in the front
                hall; the sanctuary opens only on festival days. Please dress modestly and keep
                quiet in this place of worship.
            """),
        },
    },
    "festivals": [
        {
            "lunar_month": 3,
            "lunar_day": 8,
            "days": 1,
            "name": {"vi": "Lễ giỗ vua Lê Đại Hành", "en": "Memorial day of Emperor Lê Đại Hành"},
            "description": {
                "vi": "Lễ tế, rước kiệu quanh làng và hội vật truyền thống.",
                "en": "Ritual offerings, a palanquin procession round the village, wrestling.",
            },
        }
    ],
    "steles": [
        {
            "position": 0,
            "title": {
                "vi": "Hoành phi trước hậu cung (mẫu)",
                "en": "Board over the sanctuary (sample)",
            },
            "han_nom": "黎大行皇帝廟。皇帝姓黎諱桓，愛州人也。",
            "reading": "Lê Đại Hành hoàng đế miếu. Hoàng đế tính Lê húy Hoàn, Ái Châu nhân dã.",
            "translation": {
                "vi": (
                    "Miếu thờ hoàng đế Lê Đại Hành. Hoàng đế họ Lê, tên húy là Hoàn, người Ái Châu."
                ),
                "en": (
                    "Temple of Emperor Lê Đại Hành. The emperor's family name was Lê, his personal "
                    "name Hoàn; he was a man of Ái Châu."
                ),
            },
        }
    ],
    "photos": [
        {
            "scene": "temple",
            "seed": 3,
            "name": "den-le-hoan-tam-quan.png",
            "alt": {
                "vi": "Tam quan và tòa đền mái hai tầng của đền thờ Lê Hoàn nhìn từ sân",
                "en": "The three-entrance gate and two-tier temple hall of the Lê Hoàn temple",
            },
        },
        {
            "scene": "pond_temple",
            "seed": 1,
            "name": "den-le-hoan-ho-sen.png",
            "alt": {
                "vi": "Đền thờ Lê Hoàn soi bóng xuống hồ sen trước đền",
                "en": "The Lê Hoàn temple reflected in the lotus pond in front of it",
            },
        },
    ],
    "related": ["LK01"],
}

LONG_PHUC = {
    "code": "LP01",
    "slug": "chua-long-phuc",
    "rank": "provincial",
    "rank_decision_no": "0000/QĐ-UBND (mẫu)",
    "rank_decision_date": date(2015, 12, 18),
    "commune": "xã Thọ Xuân",
    "commune_old": "xã Xuân Hồng",
    "district_old": "huyện Thọ Xuân",
    "province": "Thanh Hóa",
    "address": "Thôn Long Phúc, xã Thọ Xuân, tỉnh Thanh Hóa",
    "latitude": 19.9431,
    "longitude": 105.4712,
    "opening_hours": [{"days": EVERY_DAY, "opens": "05:30", "closes": "19:00"}],
    "fee_vnd": 0,
    "phone": "+84 237 000 0103",
    "status": "published",
    "translations": {
        "vi": {
            "name": "Chùa Long Phúc",
            "other_names": "Long Phúc tự",
            "summary": "Ngôi chùa làng có tháp chuông năm tầng và vườn tháp mộ các vị sư trụ trì.",
            "history": prose("""
                Theo lời kể của các cụ cao niên, chùa được dựng vào thời Lê trung hưng trên một
                gò đất cao giữa cánh đồng. Chùa nhiều lần bị hư hại do chiến tranh và lũ lụt, được
                nhân dân góp công sức tu bổ vào các năm 1932, 1995 và 2018.

                Chùa còn giữ chuông đồng, khánh đá và một số tượng Phật bằng gỗ có niên đại thế kỷ
                XIX.
            """),
            "architecture": prose("""
                Chùa kiểu "tiền Phật hậu Thánh": tòa Tam bảo phía trước, nhà Tổ phía sau. Bên trái
                là tháp chuông năm tầng, mỗi tầng một mái đao cong.
            """),
            "worshipped": "Tam bảo (Phật), Đức Thánh Mẫu và các vị Tổ sư của chùa.",
            "directions": (
                "Từ chợ Thọ Xuân đi về phía bắc 3 km, qua cầu thôn Long Phúc, chùa ở bên trái "
                "đường."
            ),
            "hours_note": "Mở cửa 5:30–19:00; lễ Phật vào ngày rằm và mùng một âm lịch.",
            "fees_note": "Không thu vé.",
            "audio_transcript": (
                "Chùa Long Phúc là ngôi chùa làng. Xin quý khách giữ yên lặng trong tòa Tam bảo."
            ),
        },
        "en": {
            "name": "Long Phúc Pagoda",
            "other_names": "Long Phúc tự",
            "summary": (
                "A village pagoda with a five-storey bell tower and a garden of monks' stupas."
            ),
            "history": prose("""
                Village elders tell that the pagoda was founded during the Revival Lê period on a
                mound in the middle of the rice fields. War and floods damaged it many times; the
                villagers restored it in 1932, 1995 and 2018.

                It keeps a bronze bell, a stone chime and wooden Buddha statues from the
                nineteenth century.
            """),
            "architecture": prose("""
                The pagoda follows the "Buddha in front, saints behind" plan: the Three Jewels hall
                in front, the patriarchs' hall behind. On the left stands a five-storey bell tower,
                each storey with its own upturned roof.
            """),
            "worshipped": "The Three Jewels (Buddha), the Holy Mother and the pagoda's patriarchs.",
            "directions": (
                "From Thọ Xuân market go 3 km north and cross the Long Phúc bridge; "
                "the pagoda is on the left."
            ),
            "hours_note": "Open 5:30–19:00; Buddhist services on the full and new moon.",
            "fees_note": "Free admission.",
            "audio_transcript": (
                "Long Phúc is a village pagoda. Please keep quiet inside the Three Jewels hall."
            ),
        },
    },
    "festivals": [
        {
            "lunar_month": 4,
            "lunar_day": 15,
            "days": 1,
            "name": {"vi": "Lễ Phật đản", "en": "Buddha's Birthday (Vesak)"},
            "description": {
                "vi": "Lễ tắm Phật, thả đèn hoa đăng trên ao chùa.",
                "en": "Bathing the Buddha and floating lanterns on the pagoda pond.",
            },
        }
    ],
    "steles": [],
    "photos": [
        {
            "scene": "pagoda",
            "seed": 2,
            "name": "chua-long-phuc.png",
            "alt": {
                "vi": "Tháp chuông năm tầng bên tòa Tam bảo giữa cánh đồng lúa",
                "en": "A five-storey bell tower beside the main hall amid rice fields",
            },
        },
        {
            "scene": "village_gate",
            "seed": 4,
            "name": "chua-long-phuc-cong.png",
            "alt": {
                "vi": "Cổng tam quan của chùa Long Phúc bên đường làng, hai bên là cây cau",
                "en": (
                    "The three-entrance gate of Long Phúc pagoda by the village road, areca palms "
                    "beside it"
                ),
            },
        },
    ],
    "related": ["PL01"],
}
