"""All tables. Import from here so every model is registered on the metadata."""

from db.models.batch import Batch
from db.models.job import GenerationJob
from db.models.media import Media
from db.models.preview import Preview
from db.models.product import Product

__all__ = ["Batch", "GenerationJob", "Media", "Preview", "Product"]
