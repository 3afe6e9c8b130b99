"""Words for the EPCIS 2.0 / CBV codes of a trace event, as buyers and staff read them.

Business steps are headings of a buyer's timeline ("Shipped"), so they read as what
happened to the goods; dispositions say what state the goods were left in.
"""

from __future__ import annotations

from flask_babel import lazy_pgettext

BIZ_STEPS = {
    "commissioning": lazy_pgettext("biz_step", "Harvested or made"),
    "inspecting": lazy_pgettext("biz_step", "Inspected"),
    "packing": lazy_pgettext("biz_step", "Packed"),
    "shipping": lazy_pgettext("biz_step", "Shipped"),
    "receiving": lazy_pgettext("biz_step", "Received"),
    "storing": lazy_pgettext("biz_step", "Stored"),
    "accepting": lazy_pgettext("biz_step", "Accepted"),
    "arriving": lazy_pgettext("biz_step", "Arrived"),
    "assembling": lazy_pgettext("biz_step", "Processed"),
    "collecting": lazy_pgettext("biz_step", "Collected"),
    "consigning": lazy_pgettext("biz_step", "Consigned"),
    "creating_class_instance": lazy_pgettext("biz_step", "Made"),
    "cycle_counting": lazy_pgettext("biz_step", "Stock counted"),
    "decommissioning": lazy_pgettext("biz_step", "Taken out of use"),
    "departing": lazy_pgettext("biz_step", "Left"),
    "destroying": lazy_pgettext("biz_step", "Destroyed"),
    "disassembling": lazy_pgettext("biz_step", "Taken apart"),
    "dispensing": lazy_pgettext("biz_step", "Dispensed"),
    "encoding": lazy_pgettext("biz_step", "Code written"),
    "entering_exiting": lazy_pgettext("biz_step", "Entered or left a site"),
    "holding": lazy_pgettext("biz_step", "Held back"),
    "installing": lazy_pgettext("biz_step", "Installed"),
    "killing": lazy_pgettext("biz_step", "Tag disabled"),
    "loading": lazy_pgettext("biz_step", "Loaded"),
    "other": lazy_pgettext("biz_step", "Other step"),
    "picking": lazy_pgettext("biz_step", "Picked"),
    "removing": lazy_pgettext("biz_step", "Removed"),
    "repackaging": lazy_pgettext("biz_step", "Repacked"),
    "repairing": lazy_pgettext("biz_step", "Repaired"),
    "replacing": lazy_pgettext("biz_step", "Replaced"),
    "reserving": lazy_pgettext("biz_step", "Codes reserved"),
    "retail_selling": lazy_pgettext("biz_step", "Sold"),
    "sampling": lazy_pgettext("biz_step", "Sampled for testing"),
    "sensor_reporting": lazy_pgettext("biz_step", "Sensor reading"),
    "staging_outbound": lazy_pgettext("biz_step", "Made ready to ship"),
    "stock_taking": lazy_pgettext("biz_step", "Stock taken"),
    "stocking": lazy_pgettext("biz_step", "Put on the shelves"),
    "transporting": lazy_pgettext("biz_step", "Transported"),
    "unloading": lazy_pgettext("biz_step", "Unloaded"),
    "unpacking": lazy_pgettext("biz_step", "Unpacked"),
    "void_shipping": lazy_pgettext("biz_step", "Shipment cancelled"),
}

DISPOSITIONS = {
    "active": lazy_pgettext("disposition", "Active"),
    "available": lazy_pgettext("disposition", "Available"),
    "completeness_inferred": lazy_pgettext("disposition", "Complete (inferred)"),
    "completeness_verified": lazy_pgettext("disposition", "Complete (checked)"),
    "conformant": lazy_pgettext("disposition", "Meets the requirements"),
    "container_closed": lazy_pgettext("disposition", "Container closed"),
    "container_open": lazy_pgettext("disposition", "Container open"),
    "damaged": lazy_pgettext("disposition", "Damaged"),
    "destroyed": lazy_pgettext("disposition", "Destroyed"),
    "dispensed": lazy_pgettext("disposition", "Dispensed"),
    "disposed": lazy_pgettext("disposition", "Disposed of"),
    "encoded": lazy_pgettext("disposition", "Code written"),
    "expired": lazy_pgettext("disposition", "Expired"),
    "in_progress": lazy_pgettext("disposition", "In progress"),
    "in_transit": lazy_pgettext("disposition", "In transit"),
    "inactive": lazy_pgettext("disposition", "Inactive"),
    "mismatch_class": lazy_pgettext("disposition", "Wrong product"),
    "mismatch_instance": lazy_pgettext("disposition", "Wrong item"),
    "mismatch_quantity": lazy_pgettext("disposition", "Wrong quantity"),
    "needs_replacement": lazy_pgettext("disposition", "Needs replacing"),
    "no_pedigree_match": lazy_pgettext("disposition", "Origin papers do not match"),
    "non_conformant": lazy_pgettext("disposition", "Does not meet the requirements"),
    "non_sellable_other": lazy_pgettext("disposition", "Not for sale"),
    "partially_dispensed": lazy_pgettext("disposition", "Partly dispensed"),
    "recalled": lazy_pgettext("disposition", "Recalled"),
    "reserved": lazy_pgettext("disposition", "Reserved"),
    "retail_sold": lazy_pgettext("disposition", "Sold"),
    "returned": lazy_pgettext("disposition", "Returned"),
    "sellable_accessible": lazy_pgettext("disposition", "On sale"),
    "sellable_not_accessible": lazy_pgettext("disposition", "For sale, not on the shelves"),
    "stolen": lazy_pgettext("disposition", "Stolen"),
    "unavailable": lazy_pgettext("disposition", "Unavailable"),
    "unknown": lazy_pgettext("disposition", "Unknown"),
}

EVENT_TYPES = {
    "ObjectEvent": lazy_pgettext("event_type", "Something happened to the goods (ObjectEvent)"),
    "TransformationEvent": lazy_pgettext(
        "event_type", "Inputs made into this batch (TransformationEvent)"
    ),
    "AggregationEvent": lazy_pgettext("event_type", "Packed into a container (AggregationEvent)"),
}

ACTIONS = {
    "OBSERVE": lazy_pgettext("epcis_action", "Seen (OBSERVE)"),
    "ADD": lazy_pgettext("epcis_action", "Added (ADD)"),
    "DELETE": lazy_pgettext("epcis_action", "Taken away (DELETE)"),
}
