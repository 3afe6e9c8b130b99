"""Demo relic LK01: the Lam Kinh complex, in Vietnamese, English and Chinese.

Written for this project as sample content. The history follows the commonly told
story; decision numbers and dates must be checked against the official record before
a district uses this text.
"""

from __future__ import annotations

from datetime import date

from qrsvc.demo.common import EVERY_DAY, prose

__all__ = ["LAM_KINH"]

LAM_KINH = {
    "code": "LK01",
    "slug": "khu-di-tich-lam-kinh",
    "old_slugs": ["lam-kinh"],
    "rank": "special_national",
    "rank_decision_no": "1419/QĐ-TTg",
    "rank_decision_date": date(2012, 9, 27),
    "commune": "xã Lam Sơn",
    "commune_old": "xã Xuân Lam",
    "district_old": "huyện Thọ Xuân",
    "province": "Thanh Hóa",
    "address": "Khu di tích Lam Kinh, xã Lam Sơn, tỉnh Thanh Hóa",
    "latitude": 19.9195,
    "longitude": 105.4012,
    "opening_hours": [{"days": EVERY_DAY, "opens": "07:00", "closes": "17:30"}],
    "fee_vnd": 30000,
    "phone": "+84 237 000 0101",
    "email": "lamkinh@example.vn",
    "status": "published",
    "translations": {
        "vi": {
            "name": "Khu di tích lịch sử Lam Kinh",
            "other_names": "Tây Kinh; Lam Sơn; Khu di tích Lam Kinh",
            "summary": (
                "Quê hương của Lê Lợi, nơi khởi đầu cuộc khởi nghĩa Lam Sơn (1418–1427) và "
                "là nơi đặt lăng mộ, tông miếu của các vua nhà Hậu Lê. Di tích quốc gia "
                "đặc biệt giữa rừng lim, núi Dầu và dòng sông Ngọc."
            ),
            "history": prose("""
                Lam Sơn là quê hương của Lê Lợi. Mùa xuân năm Mậu Tuất (1418), ông cùng các
                hào kiệt dựng cờ khởi nghĩa chống quân Minh. Sau mười năm kháng chiến, năm 1428
                Lê Lợi lên ngôi, lấy hiệu là Thái Tổ, mở đầu triều Hậu Lê.

                Sau khi vua mất (năm 1433), triều đình đưa linh cữu về an táng tại quê nhà và
                cho xây dựng ở đây một quần thể cung điện, tông miếu, gọi là Lam Kinh hay Tây
                Kinh. Các đời vua Lê về sau tiếp tục tu bổ và đặt lăng mộ nhiều vị vua, hoàng
                thái hậu tại khu vực này.

                Qua nhiều biến cố, các công trình gỗ bị đổ nát, chỉ còn nền móng, bia đá và
                lăng mộ. Từ cuối thế kỷ XX, Nhà nước đã khai quật khảo cổ và phục dựng Chính
                điện, Ngọ Môn, cầu Bạch, Thái Miếu theo kết quả nghiên cứu.

                - 1418: khởi nghĩa Lam Sơn.
                - 1428: Lê Lợi lên ngôi hoàng đế.
                - 1433: dựng bia Vĩnh Lăng.
                - 2012: xếp hạng di tích quốc gia đặc biệt.
            """),
            "architecture": prose("""
                Khu di tích tựa lưng vào núi Dầu, nhìn ra sông Chu; sông Ngọc chảy vòng phía
                trước như một đường minh đường tự nhiên. Đi từ ngoài vào: cầu Bạch bắc qua
                sông Ngọc, Ngọ Môn (cổng chính), sân rồng, Chính điện hình chữ "Công" (工) gồm
                ba tòa, phía sau là chín tòa Thái Miếu thờ các vua và hoàng thái hậu.

                Bậc thềm Chính điện có đôi rồng đá chạm theo phong cách thời Lê sơ: thân dài
                uốn khúc, vảy và vây sắc nét. Nhà bia Vĩnh Lăng che tấm bia đá đặt trên lưng rùa.
            """),
            "worshipped": (
                "Vua Lê Thái Tổ (Lê Lợi) và các vua, hoàng thái hậu nhà Hậu Lê; các công thần "
                "khởi nghĩa Lam Sơn."
            ),
            "directions": prose("""
                Từ trung tâm tỉnh Thanh Hóa đi theo Quốc lộ 47 về phía tây khoảng 50 km, qua
                khu vực Thọ Xuân, theo biển chỉ dẫn "Khu di tích Lam Kinh". Có bãi đỗ xe ô tô
                và xe máy ngay trước cổng; xe buýt tuyến Thanh Hóa – Lam Sơn dừng gần cổng.
            """),
            "hours_note": "Mở cửa hằng ngày 7:00–17:30, kể cả ngày lễ.",
            "fees_note": (
                "Vé tham quan 30.000 đồng/người (giá mẫu); miễn vé trẻ em dưới 6 tuổi; giảm 50% "
                "cho học sinh, sinh viên và người cao tuổi."
            ),
            "audio_transcript": prose("""
                Xin chào quý khách đến với Lam Kinh. Quý khách đang đứng trước Ngọ Môn, cổng
                chính của khu cung điện. Phía sau lưng là sông Ngọc và cầu Bạch. Hãy đi thẳng
                qua sân rồng để đến Chính điện; bên trái, theo lối lát đá, là nhà bia Vĩnh Lăng.
                Xin quý khách giữ gìn vệ sinh và không chạm vào hiện vật.
            """),
        },
        "en": {
            "name": "Lam Kinh Historic Site",
            "other_names": "Tây Kinh (Western Capital); Lam Sơn",
            "summary": (
                "Homeland of Lê Lợi, where the Lam Sơn uprising (1418–1427) began, and resting "
                "place of the Later Lê kings. A special national relic among ironwood forest, "
                "Dầu mountain and the Ngọc river."
            ),
            "history": prose("""
                Lam Sơn was Lê Lợi's home village. In the spring of 1418 he and his companions
                rose against the Ming occupation. After ten years of war he was crowned in 1428
                as Emperor Thái Tổ, founding the Later Lê dynasty.

                When he died in 1433 he was buried here, and the court built a complex of
                palaces and ancestral temples known as Lam Kinh, the Western Capital. Later Lê
                kings restored it and several kings and queen mothers were buried nearby.

                The wooden buildings fell into ruin over the centuries; foundations, steles and
                tombs remained. Since the late twentieth century archaeologists have excavated
                the site, and the main hall, the Noon Gate, the Bạch bridge and the ancestral
                temples have been rebuilt on the evidence found.

                - 1418: the Lam Sơn uprising begins.
                - 1428: Lê Lợi becomes emperor.
                - 1433: the Vĩnh Lăng stele is erected.
                - 2012: ranked a special national relic.
            """),
            "architecture": prose("""
                The site leans against Dầu mountain and faces the Chu river, with the Ngọc river
                curving in front. From the entrance: the Bạch bridge over the Ngọc river, the
                Noon Gate (Ngọ Môn), the dragon courtyard, the main hall laid out in the shape of
                the character 工 (three halls), and behind it nine ancestral temples.

                The steps of the main hall carry a pair of stone dragons in early Lê style, long
                and sinuous with crisp scales. A pavilion shelters the Vĩnh Lăng stele, which
                stands on the back of a stone tortoise.
            """),
            "worshipped": (
                "Emperor Lê Thái Tổ (Lê Lợi), the Later Lê kings and queen mothers, and the "
                "generals of the Lam Sơn uprising."
            ),
            "directions": prose("""
                From the centre of Thanh Hóa take National Road 47 west for about 50 km through
                Thọ Xuân and follow the signs to "Khu di tích Lam Kinh". Car and motorbike
                parking is at the gate; the Thanh Hóa – Lam Sơn bus stops nearby.
            """),
            "hours_note": "Open every day 7:00–17:30, public holidays included.",
            "fees_note": (
                "Admission 30,000 VND per person (sample price); free for children under 6; half "
                "price for pupils, students and senior citizens."
            ),
            "audio_transcript": prose("""
                Welcome to Lam Kinh. You are standing before the Noon Gate, the main entrance to
                the palace area. Behind you are the Ngọc river and the Bạch bridge. Walk straight
                across the dragon courtyard to the main hall; on the left, along the stone path,
                is the pavilion of the Vĩnh Lăng stele. Please keep the site clean and do not
                touch the artefacts.
            """),
        },
        "zh": {
            "name": "蓝京历史遗迹区",
            "other_names": "西京；蓝山",
            "summary": (
                "黎利的故乡，蓝山起义（1418–1427）的发源地，"
                "后黎朝诸帝的陵寝与太庙所在地。国家特别级遗迹。"
            ),
            "history": prose("""
                蓝山是黎利的故乡。1418年春，他在此起兵反抗明朝统治。经过十年抗战，黎利于1428年
                即位，是为黎太祖，开创后黎朝。

                1433年黎太祖驾崩后归葬于此，朝廷在此修建宫殿与太庙，称为蓝京或西京。此后多位
                黎朝皇帝和皇太后亦葬于附近。

                - 1418年：蓝山起义。
                - 1428年：黎利称帝。
                - 1433年：立永陵碑。
                - 2012年：列为国家特别级遗迹。
            """),
            "architecture": prose("""
                遗迹背靠油山，面向朱江，玉河环绕于前。由外而内依次为白桥、午门、龙庭、呈“工”字形
                的正殿，以及其后的九座太庙。永陵碑立于石龟背上，碑亭保护其上。
            """),
            "worshipped": "黎太祖（黎利）及后黎朝诸帝、皇太后，蓝山起义功臣。",
            "directions": (
                "自清化市中心沿47号国道向西约50公里，按“Khu di tích Lam Kinh”指示牌前往。"
            ),
            "hours_note": "每日7:00–17:30开放，节假日照常。",
            "fees_note": "门票每人30,000越南盾（示例价格）；6岁以下儿童免费。",
            "audio_transcript": (
                "欢迎来到蓝京。您面前是午门，身后是玉河与白桥。"
                "请穿过龙庭前往正殿；左侧石径通往永陵碑亭。"
            ),
        },
    },
    "festivals": [
        {
            "lunar_month": 8,
            "lunar_day": 21,
            "days": 2,
            "name": {"vi": "Lễ hội Lam Kinh", "en": "Lam Kinh Festival", "zh": "蓝京庙会"},
            "description": {
                "vi": (
                    'Tưởng niệm ngày mất của Lê Lai và Lê Lợi, theo câu ca "Hăm mốt Lê Lai, hăm '
                    'hai Lê Lợi": lễ dâng hương, rước kiệu, trò chơi dân gian.'
                ),
                "en": (
                    'Commemorates Lê Lai and Lê Lợi, as the saying goes: "the 21st for Lê Lai, '
                    'the 22nd for Lê Lợi". Incense offering, palanquin procession, folk games.'
                ),
                "zh": "纪念黎来与黎利的忌日：上香、抬轿游行、民间游戏。",
            },
        }
    ],
    "steles": [
        {
            "position": 0,
            "title": {
                "vi": "Bia Vĩnh Lăng (trích đoạn mẫu)",
                "en": "Vĩnh Lăng stele (sample excerpt)",
                "zh": "永陵碑（示例节选）",
            },
            "han_nom": "帝起藍山，十年平吳，國復其舊。功德在民，萬世不忘。",
            "reading": (
                "Đế khởi Lam Sơn, thập niên bình Ngô, quốc phục kỳ cựu. "
                "Công đức tại dân, vạn thế bất vong."
            ),
            "translation": {
                "vi": (
                    "Vua dấy nghiệp ở Lam Sơn, mười năm dẹp giặc, nước trở lại như xưa. Công đức "
                    "ở trong lòng dân, muôn đời không quên."
                ),
                "en": (
                    "The emperor rose at Lam Sơn; in ten years he pacified the invaders and the "
                    "country was restored. His merit lives among the people, never forgotten."
                ),
            },
        }
    ],
    "photos": [
        {
            "scene": "hall",
            "seed": 1,
            "name": "lam-kinh-chinh-dien.png",
            "alt": {
                "vi": "Chính điện Lam Kinh mái hai tầng trên nền đá cao, hai bên là cây cổ thụ",
                "en": (
                    "Lam Kinh main hall with a two-tier roof on a high stone platform, old trees "
                    "either side"
                ),
                "zh": "蓝京正殿，双层屋顶，建于高石台上",
            },
        },
        {
            "scene": "gate",
            "seed": 1,
            "name": "lam-kinh-ngo-mon.png",
            "alt": {
                "vi": "Ngọ Môn ba cửa vòm soi bóng xuống hồ sen, hai bên là hàng cau",
                "en": (
                    "The three-arched Noon Gate reflected in a lotus pond, areca palms on both "
                    "sides"
                ),
                "zh": "三拱午门倒映在荷花池中",
            },
        },
        {
            "scene": "stele",
            "seed": 2,
            "name": "lam-kinh-bia-vinh-lang.png",
            "alt": {
                "vi": "Nhà bia Vĩnh Lăng: tấm bia đá đặt trên lưng rùa dưới mái ngói hai tầng",
                "en": (
                    "The Vĩnh Lăng stele pavilion: a stone stele on a tortoise under a two-tier "
                    "roof"
                ),
                "zh": "永陵碑亭：石碑立于石龟背上",
            },
        },
    ],
    "related": ["LH01", "TT01"],
}
