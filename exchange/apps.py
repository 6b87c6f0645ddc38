from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The catalog in the open-data world's formats: CKAN's Action API, DCAT-AP, data.json, schema.org."""

    name = "exchange"
    verbose_name = "Exchange formats"

    def ready(self):
        from datasets.representations import register_representation
        from datasets.structured_data import (
            DATASET_PAGE,
            HOME_PAGE,
            register_structured_data,
        )

        from django.db.models.signals import post_delete, post_save

        from . import schemaorg
        from .ckan import vocabulary
        from .dcat.formats import MEDIA_TYPES
        from .dcat.views import dataset_representation

        # The catalog sits below this app, so it is told: the dataset page answers an Accept header
        # asking for RDF with its DCAT-AP document, and the pages embed schema.org JSON-LD.
        register_representation(MEDIA_TYPES, dataset_representation)
        register_structured_data(DATASET_PAGE, schemaorg.describe_dataset)
        register_structured_data(HOME_PAGE, schemaorg.describe_catalog)
        # The CKAN API's in-memory organizations, licences and themes are dropped when one changes.
        for model in vocabulary.MODELS:
            for signal in (post_save, post_delete):
                signal.connect(vocabulary.forget, sender=model, dispatch_uid=f"exchange.ckan.{model.__name__}")
