"""Demo batches (lots) with their input lots and EPCIS event timelines.

Invented for this project as sample content. Rice lots feed the bánh gai, chè lam and
spirit lots ("one step back"); other inputs are suppliers' lots written as text. One
nem chua lot is recalled. Times are local (+07:00); business steps and dispositions are
CBV 2.0 short names; quantities use UN/ECE Rec. 20 units (KGM, LTR, H87 = pieces).
Batches are listed inputs first, the order the loader creates them in.
"""

from __future__ import annotations

from datetime import date

from qrsvc.demo.common import link, local_time
from qrsvc.demo.producers import sscc_uri
from qrsvc.demo.timeline import batch, event, external, from_batch

__all__ = ["BATCHES"]

TRUNG_LAP = ("Cánh đồng Trung Lập, xã Xuân Lập", "Trung Lập fields, Xuân Lập commune")
MODEL_FIELD = ("Cánh đồng mẫu lớn Xuân Lập", "Xuân Lập large-field model area")
TU_TRU = ("Làng Tứ Trụ", "Tứ Trụ village")
PHO_CHO = ("Phố Chợ, xã Thọ Xuân", "Phố Chợ, Thọ Xuân commune")
STEAMED = ("Giã bột lá gai, gói và hấp bánh", "Ramie dough pounded, cakes wrapped and steamed")
BOXED = ("Đóng hộp 10 chiếc, dán tem", "Boxed by ten and stamped")
TO_SHOP = ("Xuất đi cửa hàng Lam Kinh", "Shipped to the Lam Kinh shop")
ON_SALE = ("Cửa hàng nhận hàng, bày bán", "Received and put on sale")
NEM_MADE = ("Giã thịt, trộn thính, gói lá và ủ", "Pork pounded, mixed, wrapped and fermented")
TO_MARKET = ("Giao cho sạp chợ Thọ Xuân", "Delivered to a stall at Thọ Xuân market")
BOTTLED = ("Đóng chai 500 ml", "Bottled in 500 ml")

# fmt: off
# A table: one event on one or two lines reads better than one argument per line.
BATCHES = [
    batch("GNHV-NH2606A", date(2026, 6, 8), date(2027, 6, 8), (3200, "KGM"), TRUNG_LAP, [
        event("object", "commissioning", "active", "2026-06-08 06:30", "xl/field",
              ("Gặt lúa nếp vụ chiêm xuân", "Spring crop of sticky rice harvested"), 3200, "KGM"),
        event("object", "inspecting", "conformant", "2026-06-15 08:00", "xl/yard",
              ("Phơi khô, độ ẩm hạt 13,5%", "Sun-dried; grain moisture 13.5%")),
        event("aggregate", "packing", "container_closed", "2026-06-20 09:00", "xl/store",
              ("Đóng bao 25 kg, xếp pallet", "Packed in 25 kg sacks on a pallet"), 3200, "KGM",
              parent=sscc_uri("HTX-XUANLAP", 1)),
        event("object", "shipping", "in_transit", "2026-07-02 07:00", "xl/store",
              ("Xuất cho HTX Tứ Trụ và Lam Sơn Xanh", "Shipped to Tứ Trụ and Lam Sơn Xanh")),
    ]),
    batch("GNHV-NH2610B", date(2026, 10, 14), date(2027, 10, 14), (2800, "KGM"), TRUNG_LAP, [
        event("object", "commissioning", "active", "2026-10-14 06:00", "xl/field",
              ("Gặt lúa nếp vụ mùa", "Autumn crop of sticky rice harvested"), 2800, "KGM"),
        event("aggregate", "packing", "container_closed", "2026-10-24 09:30", "xl/store",
              ("Đóng bao 25 kg", "Packed in 25 kg sacks"), 2800, "KGM",
              parent=sscc_uri("HTX-XUANLAP", 2)),
        event("object", "shipping", "in_transit", "2026-11-02 07:15", "xl/store",
              ("Xuất cho HTX Tứ Trụ", "Shipped to Tứ Trụ cooperative"), 600, "KGM"),
    ]),
    batch("GTSV-ST2606A", date(2026, 6, 5), date(2027, 6, 5), (5000, "KGM"), MODEL_FIELD, [
        event("object", "commissioning", "active", "2026-06-05 06:00", "xl/field",
              ("Gặt lúa thơm vụ chiêm xuân", "Spring fragrant rice harvested"), 6800, "KGM"),
        event("transform", "creating_class_instance", "active", "2026-06-12 08:00", "xl/mill",
              ("Xay xát thành gạo trắng", "Milled to white rice"), 5000, "KGM"),
        event("aggregate", "packing", "container_closed", "2026-06-13 10:00", "xl/store",
              ("Đóng túi 5 kg", "Packed in 5 kg bags"), 1000, "H87",
              parent=sscc_uri("HTX-XUANLAP", 3)),
        event("object", "shipping", "in_transit", "2026-06-20 07:30", "xl/store",
              ("Giao cho các đại lý trong xã", "Delivered to retailers in the commune")),
    ], inputs=[external("Lúa tươi tổ sản xuất số 3, phiếu cân PC-0605 (mẫu)", 6800)]),
    batch("GTSV-ST2610A", date(2026, 10, 20), date(2027, 10, 20), (4200, "KGM"), MODEL_FIELD, [
        event("object", "commissioning", "active", "2026-10-20 06:15", "xl/field",
              ("Gặt lúa thơm vụ mùa", "Autumn crop of fragrant rice harvested"), 5600, "KGM"),
        event("aggregate", "packing", "container_closed", "2026-10-28 09:00", "xl/store",
              ("Xay xát và đóng túi 5 kg", "Milled and packed in 5 kg bags"), 840, "H87",
              parent=sscc_uri("HTX-XUANLAP", 4)),
    ]),
    batch("BGTT-BG2610A", date(2026, 10, 2), date(2026, 10, 12), (900, "H87"), TU_TRU, [
        event("transform", "creating_class_instance", "active", "2026-10-02 04:30", "tt/kitchen",
              STEAMED, 900, "H87"),
        event("aggregate", "packing", "container_closed", "2026-10-02 15:00", "tt/packing",
              BOXED, 90, "H87", parent=sscc_uri("HTX-TUTRU", 1)),
        event("object", "shipping", "in_transit", "2026-10-03 06:00", "tt/packing",
              TO_SHOP, 40, "H87"),
        event("object", "receiving", "sellable_accessible", "2026-10-03 08:45", "shop",
              ON_SALE, 40, "H87"),
    ], inputs=[
        from_batch("GNHV-NH2606A", 140),
        external("Lá gai khô, HTX Xuân Tín, phiếu nhập PN-0928 (mẫu)", 30),
    ]),
    batch("BGTT-BG2611A", date(2026, 11, 18), date(2026, 11, 28), (1200, "H87"), TU_TRU, [
        event("transform", "creating_class_instance", "active", "2026-11-18 04:30", "tt/kitchen",
              STEAMED, 1200, "H87"),
        event("object", "inspecting", "conformant", "2026-11-18 13:00", "lab",
              ("Kiểm nghiệm vi sinh đạt", "Microbiological test passed")),
        event("aggregate", "packing", "container_closed", "2026-11-18 16:00", "tt/packing",
              BOXED, 120, "H87", parent=sscc_uri("HTX-TUTRU", 2), evidence=True),
        event("object", "shipping", "in_transit", "2026-11-19 06:00", "tt/packing",
              TO_SHOP, 60, "H87"),
        event("object", "receiving", "sellable_accessible", "2026-11-19 09:30", "shop",
              ON_SALE, 60, "H87"),
    ], inputs=[
        from_batch("GNHV-NH2610B", 180),
        external("Lá gai khô, HTX Xuân Tín, phiếu nhập PN-1026 (mẫu)", 40),
        external("Đậu xanh, đại lý Sao Vàng, lô DX-1102 (mẫu)", 60),
    ], links=[
        link("gs1:certificationInfo", "https://lab.example.vn/ket-qua/BG2611A",
             "Phiếu kết quả kiểm nghiệm lô BG2611A"),
    ]),
    batch("BGTT-BG2611B", date(2026, 11, 24), date(2026, 12, 4), (1500, "H87"), TU_TRU, [
        event("transform", "creating_class_instance", "active", "2026-11-24 04:00", "tt/kitchen",
              STEAMED, 1500, "H87"),
        event("aggregate", "packing", "container_closed", "2026-11-24 15:30", "tt/packing",
              BOXED, 150, "H87", parent=sscc_uri("HTX-TUTRU", 3)),
        event("object", "shipping", "in_transit", "2026-11-25 06:10", "tt/packing",
              ("Xuất đi chợ Thọ Xuân", "Shipped to Thọ Xuân market"), 50, "H87"),
    ], inputs=[
        from_batch("GNHV-NH2610B", 220),
        external("Lá gai khô, HTX Xuân Tín, phiếu nhập PN-1119 (mẫu)", 50),
    ]),
    batch("CHLA-CL2611A", date(2026, 11, 10), date(2027, 1, 9), (800, "H87"), TU_TRU, [
        event("transform", "creating_class_instance", "active", "2026-11-10 07:00", "tt/kitchen",
              ("Rang bột nếp, nấu mật, cắt miếng", "Rice flour roasted, molasses cooked, cut"),
              800, "H87"),
        event("aggregate", "packing", "container_closed", "2026-11-11 09:00", "tt/packing",
              ("Đóng hộp 300 g", "Packed in 300 g boxes"), 800, "H87",
              parent=sscc_uri("HTX-TUTRU", 4)),
    ], inputs=[
        from_batch("GNHV-NH2610B", 60),
        external("Mật mía, lò mật Xuân Tín (mẫu)", 35),
        external("Lạc và vừng, chợ Thọ Xuân (mẫu)", 20),
    ]),
    batch("RUOU-RN2607A", date(2026, 7, 20), None, (600, "LTR"),
          ("Xưởng rượu Lam Sơn Xanh", "Lam Sơn Xanh distillery"), [
        event("transform", "creating_class_instance", "active", "2026-07-20 05:30", "ls/still",
              ("Ủ men lá 5 ngày và chưng cất", "Fermented with leaf yeast 5 days and distilled"),
              600, "LTR"),
        event("object", "storing", "in_progress", "2026-07-26 10:00", "ls/cellar",
              ("Hạ thổ trong chum sành", "Aged in clay jars"), 600, "LTR"),
        event("object", "inspecting", "conformant", "2026-10-01 09:00", "lab",
              ("Độ cồn 35% vol, methanol đạt giới hạn", "35% vol; methanol within limits")),
        event("aggregate", "packing", "container_closed", "2026-10-05 08:00", "ls/still",
              BOTTLED, 1200, "H87", parent=sscc_uri("CTY-LAMSONXANH", 1)),
        event("object", "shipping", "in_transit", "2026-10-10 07:00", "ls/still",
              TO_SHOP, 240, "H87"),
    ], inputs=[
        from_batch("GNHV-NH2606A", 900),
        external("Men lá, hộ bà Hà thôn Long Phúc (mẫu)", 12),
    ]),
    batch("NEMC-NC2611A", date(2026, 11, 22), date(2026, 11, 29), (500, "H87"), PHO_CHO, [
        event("transform", "creating_class_instance", "active", "2026-11-22 05:00", "nh/kitchen",
              NEM_MADE, 500, "H87"),
        event("object", "inspecting", "conformant", "2026-11-23 07:00", "nh/kitchen",
              ("Tự kiểm tra cảm quan sau 36 giờ ủ", "Sensory self-check after 36 hours")),
        event("object", "shipping", "in_transit", "2026-11-23 09:00", "nh/kitchen",
              TO_MARKET, 200, "H87"),
    ], inputs=[
        external("Thịt lợn, lò mổ Thọ Xuân, phiếu kiểm dịch KD-1122 (mẫu)", 28),
        external("Lá đinh lăng và lá chuối, vườn nhà", 3),
    ]),
    batch("NEMC-NC2611B", date(2026, 11, 12), date(2026, 11, 19), (400, "H87"), PHO_CHO, [
        event("transform", "creating_class_instance", "active", "2026-11-12 05:00", "nh/kitchen",
              NEM_MADE, 400, "H87"),
        event("object", "shipping", "in_transit", "2026-11-13 09:00", "nh/kitchen",
              TO_MARKET, 400, "H87"),
        event("object", "inspecting", "non_conformant", "2026-11-15 10:00", "lab",
              ("Mẫu lấy tại chợ: E. coli vượt giới hạn", "Market sample: E. coli above the limit")),
        event("object", "holding", "recalled", "2026-11-15 16:00", "market",
              ("Thu hồi toàn bộ lô tại chợ", "Whole lot recalled from the market"), 310, "H87"),
    ], inputs=[
        external("Thịt lợn, lò mổ Thọ Xuân, phiếu kiểm dịch KD-1111 (mẫu)", 22),
    ], status="recalled", recalled_at=local_time("2026-11-15 16:00"), recall_reason={
        "vi": "Mẫu kiểm nghiệm ngày 15/11/2026 có E. coli vượt giới hạn cho phép; cơ sở thu hồi "
              "toàn bộ lô. Không sử dụng sản phẩm của lô này. (Nội dung mẫu)",
        "en": "A sample tested on 15 Nov 2026 had E. coli above the permitted limit; the "
              "producer recalled the whole lot. Do not eat products from this lot. "
              "(Sample content)",
    }, links=[
        link("gs1:recallStatus", "https://nem-bahanh.example.vn/thu-hoi/NC2611B",
             "Thông báo thu hồi lô NC2611B"),
    ]),
    batch("MONG-MO2604A", date(2026, 4, 10), date(2028, 4, 10), (300, "KGM"),
          ("Vườn nhãn Đồng Tâm, xã Sao Vàng", "Đồng Tâm longan orchards, Sao Vàng commune"), [
        event("object", "commissioning", "active", "2026-04-10 06:00", "lt/apiary",
              ("Quay mật mùa hoa nhãn", "Longan blossom honey extracted"), 300, "KGM"),
        event("object", "inspecting", "conformant", "2026-04-15 09:00", "lt/apiary",
              ("Đo độ ẩm mật: 19%", "Moisture measured: 19%")),
        event("aggregate", "packing", "container_closed", "2026-04-16 14:00", "lt/apiary",
              BOTTLED, 420, "H87", parent="urn:qrsvc:pack:MONG-MO2604A-1"),
    ]),
    batch("MONG-MO2605B", date(2026, 5, 6), date(2028, 5, 6), (180, "KGM"),
          ("Vườn vải Xuân Sơn, xã Sao Vàng", "Xuân Sơn lychee orchards, Sao Vàng commune"), [
        event("object", "commissioning", "active", "2026-05-06 06:00", "lt/apiary",
              ("Quay mật cuối mùa hoa", "End-of-bloom honey extracted"), 180, "KGM"),
        event("aggregate", "packing", "container_closed", "2026-05-08 15:00", "lt/apiary",
              BOTTLED, 250, "H87", parent="urn:qrsvc:pack:MONG-MO2605B-1"),
    ]),
    batch("NGHE-TN2609A", date(2026, 9, 15), date(2027, 9, 15), (120, "KGM"),
          ("Vườn nhà và các hộ lân cận, xã Sao Vàng", "Home and neighbours' gardens, Sao Vàng"), [
        event("transform", "creating_class_instance", "active", "2026-09-15 07:00", "lt/shed",
              ("Rửa, xay, lọc và phơi tinh bột", "Roots washed, ground, filtered; starch dried"),
              120, "KGM"),
        event("aggregate", "packing", "container_closed", "2026-09-25 09:00", "lt/shed",
              ("Đóng hũ 200 g", "Packed in 200 g jars"), 600, "H87",
              parent="urn:qrsvc:pack:NGHE-TN2609A-1"),
    ], inputs=[external("Củ nghệ tươi, vườn nhà và hộ lân cận", 1500)]),
]
# fmt: on
