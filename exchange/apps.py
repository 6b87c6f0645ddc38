from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The catalog in the open-data world's formats: CKAN's Action API, DCAT-AP, data.json, schema.org."""

    name = "exchange"
    verbose_name = "Exchange formats"

    def ready(self):
        from datasets.representations import register_representation

        from .dcat.formats import MEDIA_TYPES
        from .dcat.views import dataset_representation

        # The dataset page answers an Accept header asking for RDF with its DCAT-AP document.
        register_representation(MEDIA_TYPES, dataset_representation)
