from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("搜索")

    def ready(self):
        from datasets.signals import dataset_changed

        from . import vocabulary
        from .indexing import queue_index

        dataset_changed.connect(queue_index, dispatch_uid="search.queue_index")
        vocabulary.connect()
