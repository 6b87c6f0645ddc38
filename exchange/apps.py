from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The catalog in the open-data world's formats: CKAN's Action API, DCAT-AP, data.json, schema.org."""

    name = "exchange"
    verbose_name = "Exchange formats"

    def ready(self):
        from datasets.structured_data import (
            DATASET_PAGE,
            HOME_PAGE,
            register_structured_data,
        )

        from . import schemaorg

        # The catalog's pages embed schema.org JSON-LD; the catalog sits below this app, so it is told.
        register_structured_data(DATASET_PAGE, schemaorg.describe_dataset)
        register_structured_data(HOME_PAGE, schemaorg.describe_catalog)
