"""The link types this resolver serves: those of the GS1 Web Vocabulary, one list for all.

The resolver, its linkset, its description file and the admin's choices all read
:data:`LINK_TYPES`, which is the vocabulary's stable link types
(:mod:`qrsvc.gs1.link_vocabulary`), so a link staff can store is one a scan can ask
for, and the other way round.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from qrsvc.gs1.link_vocabulary import LINK_VOCABULARY, stable_link_types

GS1_VOC = "https://ref.gs1.org/voc/"
#: The namespace the vocabulary had before 2023; clients still send it.
GS1_VOC_OLD = "https://gs1.org/voc/"

#: A title in the reader's language for each link type (shown for a link left untitled).
TITLES = {
    "gs1:activityIdeas": _l("Activity ideas"),
    "gs1:allergenInfo": _l("Allergens"),
    "gs1:appDownload": _l("App download"),
    "gs1:backgroundInfo": _l("Background information"),
    "gs1:brandHomepageClinical": _l("Brand information for professionals"),
    "gs1:brandHomepagePatient": _l("Brand information for patients"),
    "gs1:careersInfo": _l("Careers"),
    "gs1:certificationInfo": _l("Certificate"),
    "gs1:consumerHandlingStorageInfo": _l("Storage and handling"),
    "gs1:defaultLink": _l("Default link"),
    "gs1:defaultLinkMulti": _l("Default links"),
    "gs1:dpp": _l("Digital product passport"),
    "gs1:eifu": _l("Electronic instructions for use"),
    "gs1:epcis": _l("EPCIS events"),
    "gs1:epil": _l("Patient information leaflet"),
    "gs1:eventsInfo": _l("Events"),
    "gs1:faqs": _l("Questions and answers"),
    "gs1:handledBy": _l("Handled by"),
    "gs1:hasRetailers": _l("Where to buy"),
    "gs1:homepage": _l("Organisation's page"),
    "gs1:ingredientsInfo": _l("Ingredients"),
    "gs1:instructions": _l("Instructions"),
    "gs1:jws": _l("JSON Web Signature"),
    "gs1:leaveReview": _l("Leave a review"),
    "gs1:locationInfo": _l("Location"),
    "gs1:logisticsInfo": _l("Logistics"),
    "gs1:loyaltyProgram": _l("Loyalty programme"),
    "gs1:masterData": _l("Product data"),
    "gs1:menuInfo": _l("Menu"),
    "gs1:nutritionalInfo": _l("Nutrition"),
    "gs1:openingHoursInfo": _l("Opening hours information"),
    "gs1:paymentLink": _l("Make a payment"),
    "gs1:pip": _l("Product information"),
    "gs1:promotion": _l("Promotion"),
    "gs1:purchaseSuppliesOrAccessories": _l("Buy"),
    "gs1:quickStartGuide": _l("Quick start guide"),
    "gs1:recallStatus": _l("Recall status"),
    "gs1:recipeInfo": _l("Recipes"),
    "gs1:registerProduct": _l("Register a purchase"),
    "gs1:registryEntry": _l("Entry in a register"),
    "gs1:relatedImage": _l("Related image"),
    "gs1:relatedVideo": _l("Video"),
    "gs1:reportFound": _l("Report a found item"),
    "gs1:review": _l("Reviews"),
    "gs1:safetyInfo": _l("Safety information"),
    "gs1:scheduleTime": _l("Booking"),
    "gs1:serviceInfo": _l("Service information"),
    "gs1:smartLabel": _l("Smart label"),
    "gs1:smpc": _l("Summary of product characteristics"),
    "gs1:socialMedia": _l("Social media"),
    "gs1:statisticInfo": _l("Statistics information"),
    "gs1:subscribe": _l("Subscribe"),
    "gs1:support": _l("Support"),
    "gs1:sustainabilityInfo": _l("Sustainability"),
    "gs1:traceability": _l("Traceability"),
    "gs1:tutorial": _l("Tutorial"),
    "gs1:userAgreement": _l("Sign an agreement"),
    "gs1:verificationService": _l("Check that it is genuine"),
    "gs1:whatsInTheBox": _l("What's in the box"),
}

#: The link types this resolver serves, with a title for links staff left untitled:
#: every stable link type of the vocabulary (a new one gets its English label).
LINK_TYPES: dict[str, str | LazyString] = {
    name: TITLES.get(name, LINK_VOCABULARY[name].label) for name in stable_link_types()
}
#: Served but never stored: the resolver makes the default link from the link marked
#: as the default, and several defaults are not a thing staff enter.
MADE_BY_THE_RESOLVER = frozenset({"gs1:defaultLink", "gs1:defaultLinkMulti"})
#: The link types a stored link may have.
STORABLE_LINK_TYPES = tuple(name for name in LINK_TYPES if name not in MADE_BY_THE_RESOLVER)
#: Names a client or an old record may still use, and the link type they mean now.
REPLACED = {
    # Deprecated in the vocabulary: "Please use gs1:sustainabilityInfo instead".
    "gs1:productSustainabilityInfo": "gs1:sustainabilityInfo",
    # Offered by the admin before its choices followed the vocabulary; never a GS1 term.
    "gs1:buyOnline": "gs1:hasRetailers",
}
_BY_NAME = {
    name.removeprefix("gs1:").lower(): target
    for name, target in {**{n: n for n in LINK_TYPES}, **REPLACED}.items()
}
#: Shown first among the admin's choices: the links a small producer actually has.
COMMON = (
    "gs1:pip",
    "gs1:hasRetailers",
    "gs1:certificationInfo",
    "gs1:traceability",
    "gs1:recipeInfo",
    "gs1:instructions",
    "gs1:relatedVideo",
    "gs1:socialMedia",
    "gs1:homepage",
    "gs1:support",
)

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


def is_storable(link_type: object) -> bool:
    """True when a stored link may have ``link_type`` (exactly as written, ``gs1:pip``)."""
    return isinstance(link_type, str) and link_type in STORABLE_LINK_TYPES


def link_type_choices() -> tuple[tuple[str, LazyString], ...]:
    """The admin's choices: ``("gs1:pip", "Product information (gs1:pip)")``, common first."""
    rest = sorted(set(STORABLE_LINK_TYPES) - set(COMMON))
    return tuple((name, _choice_label(name)) for name in (*COMMON, *rest))


def _choice_label(name: str) -> LazyString:
    return LazyString(lambda: f"{LINK_TYPES[name]} ({name})")


def relation_uri(link_type: str) -> str:
    """The relation as the linkset writes it: the full vocabulary URI."""
    return GS1_VOC + link_type.removeprefix("gs1:")
