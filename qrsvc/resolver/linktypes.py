"""Link types of the GS1 Web vocabulary that staff can attach to products and batches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

GS1_VOC = "https://ref.gs1.org/voc/"
#: The namespace the vocabulary had before 2023; clients still send it.
GS1_VOC_OLD = "https://gs1.org/voc/"

#: The link types this resolver serves, with a title for links staff left untitled.
LINK_TYPES = {
    "gs1:defaultLink": _l("Default link"),
    "gs1:pip": _l("Product information"),
    "gs1:traceability": _l("Traceability"),
    "gs1:certificationInfo": _l("Certificate"),
    "gs1:hasRetailers": _l("Where to buy"),
    "gs1:purchaseSuppliesOrAccessories": _l("Buy"),
    "gs1:recallStatus": _l("Recall status"),
    "gs1:ingredientsInfo": _l("Ingredients"),
    "gs1:nutritionalInfo": _l("Nutrition"),
    "gs1:allergenInfo": _l("Allergens"),
    "gs1:consumerHandlingStorageInfo": _l("Storage and handling"),
    "gs1:instructions": _l("Instructions"),
    "gs1:recipeInfo": _l("Recipes"),
    "gs1:relatedVideo": _l("Video"),
    "gs1:review": _l("Reviews"),
    "gs1:safetyInfo": _l("Safety information"),
    "gs1:socialMedia": _l("Social media"),
    "gs1:support": _l("Support"),
    "gs1:sustainabilityInfo": _l("Sustainability"),
    "gs1:promotion": _l("Promotion"),
    "gs1:locationInfo": _l("Location"),
    "gs1:masterData": _l("Product data"),
    "gs1:faqs": _l("Questions and answers"),
    "gs1:verificationService": _l("Check that it is genuine"),
    "gs1:epcis": _l("EPCIS events"),
    "gs1:smartLabel": _l("Smart label"),
}
_BY_NAME = {name.removeprefix("gs1:").lower(): name for name in LINK_TYPES}

#: ``?linkType=`` values that ask for the whole linkset instead of one link.
LINKSET_NAMES = frozenset({"linkset", "all", "gs1:linkset"})


def normalise_link_type(value: str) -> str | None:
    """``pip``, ``gs1:pip`` or ``https://ref.gs1.org/voc/pip`` → ``gs1:pip``; unknown → None."""
    if not value or len(value) > 200:
        return None
    name = value.strip()
    for prefix in (GS1_VOC, GS1_VOC_OLD, "http://gs1.org/voc/", "gs1:"):
        if name.lower().startswith(prefix):
            name = name[len(prefix) :]
            break
    return _BY_NAME.get(name.lower())


def relation_uri(link_type: str) -> str:
    """The relation as the linkset writes it: the full vocabulary URI."""
    return GS1_VOC + link_type.removeprefix("gs1:")
