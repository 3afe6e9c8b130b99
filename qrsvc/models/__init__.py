"""The data model: SQLAlchemy 2.0 typed models, one module per area."""

from qrsvc.models.activity import PrintJob, Revision, ScanCount, SignReport
from qrsvc.models.base import Base, localized, utcnow
from qrsvc.models.batches import Batch, BatchInput
from qrsvc.models.events import TraceEvent
from qrsvc.models.media import Media
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
from qrsvc.models.stamps import SerialCounter, StampRun, StampRunChange, StampScan, StampState
from qrsvc.models.users import Role, SignInAlert, User

__all__ = [
    "Base",
    "Batch",
    "BatchInput",
    "Festival",
    "Media",
    "OCOP_VALID_MONTHS",
    "PrintJob",
    "Producer",
    "Product",
    "Rank",
    "RelatedRelic",
    "Relic",
    "RelicMedia",
    "RelicSlug",
    "RelicTranslation",
    "Revision",
    "Role",
    "ScanCount",
    "SerialCounter",
    "SignInAlert",
    "SignReport",
    "StampRun",
    "StampRunChange",
    "StampScan",
    "StampState",
    "Status",
    "Stele",
    "TraceEvent",
    "TraceLink",
    "User",
    "localized",
    "utcnow",
]
