from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "datastore"
    verbose_name = _("数据表服务")

    def ready(self):
        from django.db.models.signals import post_delete

        from core import jobs
        from datasets.signals import resource_version_created

        from . import dispatch, export_files, loading, repair, signals
        from .models import DatastoreTable, ExportFile

        resource_version_created.connect(dispatch.queue_load, dispatch_uid="datastore.queue_load")
        post_delete.connect(loading.drop_deleted_table, sender=DatastoreTable, dispatch_uid="datastore.drop_table")
        signals.table_loaded.connect(dispatch.queue_export_files, dispatch_uid="datastore.queue_export_files")
        post_delete.connect(export_files.remove_deleted_file, sender=ExportFile, dispatch_uid="datastore.remove_export_file")
        jobs.register_repair(repair.repair_stalled_loads)
        jobs.register_repair(repair.repair_stalled_export_files)
