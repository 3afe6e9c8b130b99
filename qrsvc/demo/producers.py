"""Demo producers: a cooperative, a farmers' cooperative, a small company, two households.

Invented for this project as sample content (names, phone numbers, tax codes and GS1
numbers are made up). GS1 numbers use Vietnam's prefix 893 with made-up company
prefixes and correct check digits, computed here rather than typed in.
"""

from __future__ import annotations

from qrsvc.demo.common import with_check_digit

__all__ = ["COMPANY_PREFIXES", "PRODUCERS", "gtin14", "location_uri", "sscc_uri"]

#: GS1 company prefixes of the demo producers that have one (893 = GS1 Vietnam).
COMPANY_PREFIXES = {
    "HTX-TUTRU": "8936001",
    "HTX-XUANLAP": "8936002",
    "CTY-LAMSONXANH": "8936003",
}


def gtin14(producer_ref: str, item: int) -> str:
    """A GTIN-13 of the producer's prefix with its check digit, stored as 14 digits."""
    prefix = COMPANY_PREFIXES[producer_ref]
    return "0" + with_check_digit(prefix + str(item).zfill(12 - len(prefix)))


def sscc_uri(producer_ref: str, serial: int) -> str:
    """The GS1 Digital Link URI of a shipping container (SSCC) packed by a producer."""
    prefix = COMPANY_PREFIXES[producer_ref]
    return "https://id.gs1.org/00/" + with_check_digit(
        "0" + prefix + str(serial).zfill(16 - len(prefix))
    )


PRODUCERS = [
    {
        "ref": "HTX-TUTRU",
        "name": "Hợp tác xã Bánh gai Tứ Trụ",
        "kind": "cooperative",
        "commune": "xã Thọ Xuân",
        "commune_old": "xã Thọ Diên",
        "address": "Làng Tứ Trụ, xã Thọ Xuân, tỉnh Thanh Hóa",
        "phone": "+84 900 000 101",
        "email": "banhgai.tutru@example.vn",
        "website": "https://banhgai-tutru.example.vn/",
        "gln": with_check_digit(COMPANY_PREFIXES["HTX-TUTRU"] + "00000"),
        "tax_code": "2800000101",
        "latitude": 19.9531,
        "longitude": 105.4635,
        "description": {
            "vi": (
                "Hợp tác xã của 38 hộ làm bánh gai ở làng Tứ Trụ; bánh được gói, hấp và đóng gói "
                "tại xưởng chung đạt chứng nhận an toàn thực phẩm."
            ),
            "en": (
                "A cooperative of 38 bánh gai households in Tứ Trụ village; the cakes are wrapped, "
                "steamed and packed in a shared, food-safety certified workshop."
            ),
        },
    },
    {
        "ref": "HTX-XUANLAP",
        "name": "Hợp tác xã Nông nghiệp Xuân Lập",
        "kind": "cooperative",
        "commune": "xã Xuân Lập",
        "commune_old": "xã Xuân Lập",
        "address": "Thôn Trung Lập, xã Xuân Lập, tỉnh Thanh Hóa",
        "phone": "+84 900 000 102",
        "email": "htx.xuanlap@example.vn",
        "website": "https://gao-xuanlap.example.vn/",
        "tax_code": "2800000102",
        "latitude": 19.9688,
        "longitude": 105.4402,
        "description": {
            "vi": "Hợp tác xã trồng lúa nếp cái hoa vàng và lúa thơm trên 120 ha ven sông Chu.",
            "en": (
                "A cooperative growing yellow-flower sticky rice and fragrant rice on 120 ha along "
                "the Chu river."
            ),
        },
    },
    {
        "ref": "CTY-LAMSONXANH",
        "name": "Công ty TNHH Thực phẩm Lam Sơn Xanh",
        "kind": "company",
        "commune": "xã Lam Sơn",
        "commune_old": "thị trấn Lam Sơn",
        "address": "Khu công nghiệp nhỏ Lam Sơn, xã Lam Sơn, tỉnh Thanh Hóa",
        "phone": "+84 900 000 103",
        "email": "lienhe@lamsonxanh.example.vn",
        "website": "https://lamsonxanh.example.vn/",
        "tax_code": "2800000103",
        "latitude": 19.9302,
        "longitude": 105.4121,
        "description": {
            "vi": "Doanh nghiệp nhỏ nấu rượu nếp truyền thống bằng men lá, ủ trong chum sành.",
            "en": (
                "A small firm distilling traditional sticky-rice spirit with leaf yeast, aged in "
                "clay jars."
            ),
        },
    },
    {
        "ref": "HKD-NEMBAHANH",
        "name": "Cơ sở nem chua Bà Hạnh",
        "kind": "household",
        "commune": "xã Thọ Xuân",
        "commune_old": "thị trấn Thọ Xuân",
        "address": "Phố Chợ, xã Thọ Xuân, tỉnh Thanh Hóa",
        "phone": "+84 900 000 104",
        "tax_code": "2800000104",
        "latitude": 19.9369,
        "longitude": 105.4798,
        "description": {
            "vi": "Hộ gia đình làm nem chua thủ công ba thế hệ.",
            "en": "A family making nem chua by hand for three generations.",
        },
    },
    {
        "ref": "HKD-ONGLETAM",
        "name": "Hộ nuôi ong Lê Văn Tâm",
        "kind": "household",
        "commune": "xã Sao Vàng",
        "commune_old": "xã Xuân Sơn",
        "address": "Thôn Đồng Tâm, xã Sao Vàng, tỉnh Thanh Hóa",
        "phone": "+84 900 000 105",
        "tax_code": "2800000105",
        "latitude": 19.9014,
        "longitude": 105.4236,
        "description": {
            "vi": "Hộ nuôi 150 đàn ong nội theo mùa hoa nhãn, hoa vải; làm thêm tinh bột nghệ.",
            "en": (
                "A household keeping 150 native bee colonies that follow the longan and lychee "
                "bloom; also makes turmeric starch."
            ),
        },
    },
]

_GLN_BY_REF = {p["ref"]: p.get("gln") for p in PRODUCERS}


def location_uri(where: str) -> str:
    """An EPCIS location URI for ``"PRODUCER-REF"``, ``"PRODUCER-REF/place"`` or ``"site:name"``.

    Producers with a GLN get GS1 Digital Link URIs (a sub-location as AI 254);
    the others, and places outside any producer, get this service's ``urn:qrsvc:loc:`` URIs.
    """
    if where.startswith("site:"):
        return "urn:qrsvc:loc:" + where.removeprefix("site:")
    ref, _, place = where.partition("/")
    gln = _GLN_BY_REF[ref]
    if gln:
        return f"https://id.gs1.org/414/{gln}" + (f"/254/{place}" if place else "")
    return f"urn:qrsvc:loc:{ref.lower()}" + (f":{place}" if place else "")
