"""Demo relics of village life: a communal house and a shrine.

Invented for this project as sample content, typical of the district but not real places.
PL01's English is marked machine-drafted (not yet reviewed), so the pages' label for
unreviewed text has something to show.
"""

from __future__ import annotations

from datetime import date

from qrsvc.demo.common import EVERY_DAY, prose

__all__ = ["PHUC_LOC", "TU_TRU"]

WEEKENDS = ["Sa", "Su"]

PHUC_LOC = {
    "code": "PL01",
    "slug": "dinh-phuc-loc",
    "rank": "provincial",
    "rank_decision_no": "0000/QĐ-UBND (mẫu)",
    "rank_decision_date": date(2009, 3, 10),
    "commune": "xã Thọ Long",
    "commune_old": "xã Thọ Lộc",
    "district_old": "huyện Thọ Xuân",
    "province": "Thanh Hóa",
    "address": "Làng Phúc Lộc, xã Thọ Long, tỉnh Thanh Hóa",
    "latitude": 19.9077,
    "longitude": 105.4523,
    "opening_hours": [{"days": WEEKENDS, "opens": "07:00", "closes": "17:00"}],
    "fee_vnd": 0,
    "phone": "+84 237 000 0104",
    "status": "published",
    "translations": {
        "vi": {
            "name": "Đình Phúc Lộc",
            "other_names": "Đình làng Phúc Lộc",
            "summary": (
                "Ngôi đình gỗ lớn với bộ mái ngói cổ và các mảng chạm khắc rồng, mây, hoa lá."
            ),
            "history": prose("""
                Đình được dựng vào cuối thế kỷ XVIII, là nơi thờ Thành hoàng làng và là nơi hội
                họp, xử việc làng. Trong kháng chiến chống Pháp, đình từng là nơi đặt lớp bình dân
                học vụ và kho lương của du kích.

                Năm 2009 đình được xếp hạng di tích cấp tỉnh; dân làng góp công tu bổ mái năm 2016.
            """),
            "architecture": prose("""
                Đình hình chữ "Nhất" (一), năm gian hai chái, mái lớn chiếm gần hai phần ba chiều
                cao công trình, bốn góc đao cong vút. Các đầu dư, cốn, kẻ chạm rồng ổ, mây cuốn và
                hoa sen theo phong cách nghệ thuật thế kỷ XVIII.
            """),
            "worshipped": "Thành hoàng làng, vị thần có công khai khẩn vùng đất Phúc Lộc.",
            "directions": "Ở trung tâm làng Phúc Lộc, cạnh sân bóng của thôn; đỗ xe ở nhà văn hóa.",
            "hours_note": (
                "Mở cửa thứ Bảy, Chủ nhật 7:00–17:00; ngày thường liên hệ người trông đình."
            ),
            "fees_note": "Không thu vé.",
            "audio_transcript": (
                "Đình Phúc Lộc là nơi thờ Thành hoàng làng. Quý khách hãy chú ý các mảng chạm "
                "khắc rồng trên các cột và xà."
            ),
        },
        "en": {
            "name": "Phúc Lộc Communal House",
            "other_names": "Communal house of Phúc Lộc village",
            "summary": (
                "A large wooden communal house with old tile roof and carvings of dragon, cloud, "
                "flower."
            ),
            "history": prose("""
                The communal house was built at the end of 18th century, it is place to worship
                the village tutelary god and place of meeting of the village. During the resistance
                war against the French, the house was used as literacy class and as food store of
                guerrillas.

                In 2009 the house was ranked provincial relic; villagers repaired the roof in 2016.
            """),
            "architecture": prose("""
                The house has shape of character 一, five bays and two side wings, the big roof
                takes almost two third of the height, four corners curve up. The beam ends and
                brackets are carved with dragons, rolling clouds and lotus in 18th century style.
            """),
            "worshipped": "The village tutelary god, who opened the land of Phúc Lộc.",
            "directions": (
                "In the centre of Phúc Lộc village, next to football field; park at village hall."
            ),
            "hours_note": "Open Saturday, Sunday 7:00–17:00; on weekday contact the caretaker.",
            "fees_note": "No ticket.",
            "audio_transcript": (
                "Phúc Lộc communal house is place to worship the village god. Please notice the "
                "dragon carvings on the columns and beams."
            ),
            "machine_drafted": True,
        },
    },
    "festivals": [
        {
            "lunar_month": 1,
            "lunar_day": 10,
            "days": 3,
            "name": {"vi": "Hội làng Phúc Lộc", "en": "Phúc Lộc village festival"},
            "description": {
                "vi": "Tế Thành hoàng, thi nấu cơm, đánh đu và hát chèo.",
                "en": (
                    "Offerings to the tutelary god, a rice-cooking contest, swings and chèo opera."
                ),
            },
        }
    ],
    "steles": [
        {
            "position": 0,
            "title": {"vi": "Câu đối cột đình (mẫu)", "en": "Couplet on the columns (sample)"},
            "han_nom": "福地千年春不老，祿田萬頃歲常豐。",
            "reading": "Phúc địa thiên niên xuân bất lão, Lộc điền vạn khoảnh tuế thường phong.",
            "translation": {
                "vi": "Đất phúc nghìn năm xuân chẳng già; ruộng lộc muôn khoảnh năm năm được mùa.",
                "en": (
                    "On this blessed land spring never ages in a thousand years; "
                    "its endless fields bring a rich harvest every year."
                ),
            },
        }
    ],
    "photos": [
        {
            "scene": "dinh",
            "seed": 1,
            "name": "dinh-phuc-loc.png",
            "alt": {
                "vi": "Đình Phúc Lộc với bộ mái ngói lớn bên cây đa, sân lát gạch đỏ",
                "en": (
                    "Phúc Lộc communal house under its large tiled roof, a banyan beside the "
                    "red-brick yard"
                ),
            },
        },
        {
            "scene": "festival",
            "seed": 2,
            "name": "dinh-phuc-loc-hoi-lang.png",
            "alt": {
                "vi": "Cổng đình trang trí cờ hội nhiều màu trong ngày hội làng",
                "en": (
                    "The gate of the communal house decked with colourful pennants for the village "
                    "festival"
                ),
            },
        },
    ],
    "related": ["LP01", "TT01"],
}

TU_TRU = {
    "code": "TT01",
    "slug": "nghe-tu-tru",
    "rank": "unranked",
    "commune": "xã Thọ Xuân",
    "commune_old": "xã Thọ Diên",
    "district_old": "huyện Thọ Xuân",
    "province": "Thanh Hóa",
    "address": "Làng Tứ Trụ, xã Thọ Xuân, tỉnh Thanh Hóa",
    "latitude": 19.9528,
    "longitude": 105.4627,
    "opening_hours": [{"days": EVERY_DAY, "opens": "06:00", "closes": "18:00"}],
    "fee_vnd": 0,
    "status": "published",
    "translations": {
        "vi": {
            "name": "Nghè làng Tứ Trụ",
            "other_names": "Nghè Tứ Trụ",
            "summary": (
                "Ngôi nghè nhỏ dưới gốc đa cổ thụ của làng Tứ Trụ, làng nghề bánh gai nổi tiếng. "
                "Trước mỗi mùa làm bánh, người làng đến đây thắp hương cầu may."
            ),
            "history": prose("""
                "Nghè" là tên gọi ở xứ Thanh cho ngôi miếu nhỏ thờ thần làng. Nghè Tứ Trụ được dân
                làng dựng lại năm 1998 trên nền cũ, giữ được bệ thờ đá và bát hương cổ.

                Gắn với nghè là tục "cúng bánh đầu mùa": mẻ bánh gai đầu tiên của mỗi nhà được
                đặt lên ban thờ trước khi mang ra chợ.
            """),
            "architecture": (
                "Một gian, mái ngói đao cong, trước sân đặt lư hương đồng; cây đa trên 200 năm "
                "tuổi."
            ),
            "worshipped": "Thần hoàng làng Tứ Trụ.",
            "directions": "Đầu làng Tứ Trụ, cạnh ao làng; cách Quốc lộ 47 khoảng 1 km.",
            "hours_note": "Mở cửa 6:00–18:00.",
            "fees_note": "Không thu vé.",
            "audio_transcript": (
                "Đây là nghè làng Tứ Trụ. Mời quý khách ghé các cơ sở làm bánh gai trong làng sau "
                "khi viếng nghè."
            ),
        },
        "en": {
            "name": "Tứ Trụ Village Shrine",
            "other_names": "Nghè Tứ Trụ",
            "summary": (
                "A small shrine under an ancient banyan in Tứ Trụ, the village famous for "
                "bánh gai. Before each cake-making season villagers come here to offer incense."
            ),
            "history": prose("""
                "Nghè" is the Thanh Hóa word for a small shrine of the village god. The villagers
                rebuilt the Tứ Trụ shrine in 1998 on the old foundation, keeping its stone altar
                and old incense bowl.

                The shrine keeps the custom of the "first cakes": each household's first batch of
                bánh gai is placed on the altar before it goes to market.
            """),
            "architecture": (
                "One bay under a tiled roof with upturned corners, a bronze censer in the yard; "
                "the banyan is over 200 years old."
            ),
            "worshipped": "The tutelary god of Tứ Trụ village.",
            "directions": (
                "At the entrance of Tứ Trụ village by the village pond, about 1 km from National "
                "Road 47."
            ),
            "hours_note": "Open 6:00–18:00.",
            "fees_note": "Free admission.",
            "audio_transcript": (
                "This is the shrine of Tứ Trụ village. After your visit, stop at one of the "
                "village's bánh gai workshops."
            ),
        },
    },
    "festivals": [
        {
            "lunar_month": 12,
            "lunar_day": 2,
            "days": 1,
            "name": {"vi": "Lễ cúng bánh đầu mùa", "en": "Offering of the first cakes"},
            "description": {
                "vi": "Các hộ làm bánh dâng mẻ bánh gai đầu tiên trước mùa Tết.",
                "en": "Cake makers offer their first bánh gai before the Tết season.",
            },
        }
    ],
    "steles": [],
    "photos": [
        {
            "scene": "shrine",
            "seed": 1,
            "name": "nghe-tu-tru.png",
            "alt": {
                "vi": "Ngôi nghè nhỏ mái cong dưới tán đa, phía trước là lư hương đồng",
                "en": "A small shrine with a curved roof under a banyan, a bronze censer in front",
            },
        },
        {
            "scene": "banh_gai",
            "seed": 1,
            "name": "tu-tru-banh-gai-sap-cho.png",
            "alt": {
                "vi": "Năm chiếc bánh gai gói lá chuối khô xếp hàng trên lá chuối như ở sạp chợ",
                "en": "Five bánh gai in dried banana leaves in a row, as on a market stall",
            },
        },
    ],
    "related": ["LK01", "PL01"],
}
