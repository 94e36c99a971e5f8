"""All tables. Import from here so every model is registered on the metadata."""

from db.models.api import ApiKey, IdempotentRequest, Webhook, WebhookDelivery
from db.models.batch import Batch
from db.models.brand_kit import BrandKit
from db.models.job import GenerationJob
from db.models.media import Media
from db.models.preview import Preview
from db.models.preview_version import PreviewVersion
from db.models.product import Product
from db.models.usage import UsageEvent

__all__ = ["ApiKey", "Batch", "BrandKit", "GenerationJob", "IdempotentRequest", "Media", "Preview", "PreviewVersion", "Product", "UsageEvent",
           "Webhook", "WebhookDelivery"]
