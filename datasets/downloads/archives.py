"""A whole dataset as one zip: the current version of each file, a README and metadata.json."""
import json
import zipfile

from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.counted_responses import CountedStreamingResponse
from core.http_files import DOWNLOAD_CACHE_CONTROL, content_disposition, set_headers
from core.uploads import CHUNK_SIZE
from core.zip_streams import member_info, member_name, unique_member_name, zip_stream

from .. import tasks
from ..models import Resource

# Stored as is in zips: already compressed, or unknown binaries (usually dense);
# deflating them costs ~40 ms of CPU per MiB for nothing.
STORED_FORMATS = {"ZIP", "XLSX", "DOCX", "GZIP", "PARQUET", "PNG", "JPEG", "GIF", "PDF", "BIN"}


def _iso(value):
    return value.isoformat() if value else None


def dataset_metadata(dataset, files, links):
    licence = dataset.licence
    return {
        "identifier": dataset.identifier,
        "title": dataset.title,
        "description": dataset.description,
        "organization": {"slug": dataset.organization.slug, "name": dataset.organization.name_zh,
                         "name_en": dataset.organization.name_en},
        "licence": licence and {"code": licence.code, "title": licence.title_zh, "url": licence.url},
        "open_grade": dataset.open_grade,
        "update_frequency": dataset.update_frequency,
        "themes": sorted(theme.code for theme in dataset.themes.all()),
        "keywords": dataset.keywords,
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "spatial_region": dataset.spatial_region,
        "spatial_bbox": dataset.spatial_bbox,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "source_url": dataset.source_url,
        "published_at": _iso(dataset.published_at),
        "modified": _iso(dataset.modified),
        "files": [
            {"path": path, "resource_id": resource.pk, "name": resource.name, "version": version.number,
             "filename": version.filename, "format": version.format, "media_type": version.media_type,
             "size": version.size, "sha256": version.sha256, "created": _iso(version.created)}
            for path, resource, version in files
        ],
        "links": [
            {"resource_id": resource.pk, "name": resource.name, "url": resource.url, "format": resource.format}
            for resource in links
        ],
    }


def dataset_readme(dataset, files, links, held=()):
    lines = [
        dataset.title,
        f"{_('标识符')}: {dataset.identifier}",
        f"{_('组织')}: {dataset.organization.name}",
        f"{_('许可协议')}: {dataset.licence.title if dataset.licence else '-'}",
        f"{_('开放等级')}: {dataset.get_open_grade_display()}",
        "",
        dataset.description,
        "",
        _("文件及其 SHA-256 校验值："),
        *(f"{version.sha256}  {path}" for path, _resource, version in files),
    ]
    if links:
        lines += ["", _("外部链接（未打包，请自行访问）："), *(f"{r.name}: {r.url}" for r in links)]
    if held:
        lines += ["", _("以下文件含有个人信息，在数据提供部门脱敏前暂停提供，未打包："), *(r.name for r in held)]
    lines += ["", _("完整元数据见 metadata.json。"), ""]
    return "\n".join(lines)


class DatasetArchive:
    """The zip of a dataset: the current version of each file resource plus its metadata."""

    def __init__(self, dataset, viewer=None):
        self.dataset = dataset
        resources = dataset.resources.select_related("current_version").order_by("position", "id")
        taken = {"readme.txt", "metadata.json"}
        self.files, self.links, self.held = [], [], []
        for resource in resources:
            if resource.kind == Resource.Kind.URL:
                self.links.append(resource)
            elif viewer is not None and viewer.is_held_from(dataset, resource.current_version):
                self.held.append(resource)
            elif resource.current_version is not None:
                version = resource.current_version
                name = unique_member_name(member_name(version.filename, f"resource-{resource.pk}"), taken)
                self.files.append((f"data/{name}", resource, version))

    @property
    def filename(self):
        return member_name(self.dataset.identifier, "dataset") + ".zip"

    @property
    def resource_ids(self):
        return [resource.pk for _path, resource, _version in self.files]

    def members(self):
        dataset = self.dataset
        metadata = json.dumps(dataset_metadata(dataset, self.files, self.links), ensure_ascii=False, indent=2)
        readme = dataset_readme(dataset, self.files, self.links, self.held)
        yield member_info("README.txt", dataset.modified), readme.encode()
        yield member_info("metadata.json", dataset.modified), metadata.encode()
        for path, _resource, version in self.files:
            compress = zipfile.ZIP_STORED if version.format in STORED_FORMATS else zipfile.ZIP_DEFLATED
            info = member_info(path, version.created, compress, version.size)
            yield info, lambda name=version.file.name: default_storage.open(name, "rb")


def serve_dataset_zip(request, dataset, audit=None, viewer=None):
    archive = DatasetArchive(dataset, viewer)
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": content_disposition(archive.filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": DOWNLOAD_CACHE_CONTROL,
        "Accept-Ranges": "none",  # built on the fly: no stable bytes to range over
    }
    if request.method == "HEAD":
        return HttpResponse(headers=headers)
    response = CountedStreamingResponse(
        zip_stream(archive.members(), CHUNK_SIZE), counted_ids=archive.resource_ids,
        count_download=tasks.count_download.delay, audit=audit,
    )
    set_headers(response, headers)
    return response
