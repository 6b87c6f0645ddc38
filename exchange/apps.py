from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """The catalog in the open-data world's formats: CKAN's Action API, DCAT-AP, data.json, schema.org."""

    name = "exchange"
    verbose_name = "Exchange formats"
