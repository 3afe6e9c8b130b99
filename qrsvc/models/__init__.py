"""The data model: SQLAlchemy 2.0 typed models, one module per area."""

from qrsvc.models.activity import PrintJob, Revision, ScanCount, SignReport
from qrsvc.models.areas import Area, AreaKind, AreaOrigin
from qrsvc.models.base import Base, localized, utcnow
from qrsvc.models.batches import Batch, BatchInput
from qrsvc.models.events import TraceEvent
from qrsvc.models.media import Media
from qrsvc.models.payments import AccountState, PaymentAccount, RetailListing, SignTampering
from qrsvc.models.producers import Producer
from qrsvc.models.products import OCOP_VALID_MONTHS, Product, TraceLink
from qrsvc.models.relics import (
    Festival,
    Rank,
    RelatedRelic,
    Relic,
    RelicMedia,
    RelicSlug,
    RelicTranslation,
    Status,
    Stele,
)
from qrsvc.models.searching import fold_parts
from qrsvc.models.site import SITE_TEXT_FIELDS, Site, SiteChange
from qrsvc.models.stamps import SerialCounter, StampRun, StampRunChange, StampScan, StampState
from qrsvc.models.users import Role, SignInAlert, User

__all__ = [
    "AccountState",
    "Area",
    "AreaKind",
    "AreaOrigin",
    "Base",
    "Batch",
    "BatchInput",
    "Festival",
    "Media",
    "OCOP_VALID_MONTHS",
    "PaymentAccount",
    "PrintJob",
    "Producer",
    "Product",
    "Rank",
    "RelatedRelic",
    "Relic",
    "RelicMedia",
    "RelicSlug",
    "RelicTranslation",
    "RetailListing",
    "Revision",
    "Role",
    "ScanCount",
    "SerialCounter",
    "SignInAlert",
    "SignReport",
    "SignTampering",
    "SITE_TEXT_FIELDS",
    "Site",
    "SiteChange",
    "StampRun",
    "StampRunChange",
    "StampScan",
    "StampState",
    "Status",
    "Stele",
    "TraceEvent",
    "TraceLink",
    "User",
    "fold_parts",
    "localized",
    "utcnow",
]
