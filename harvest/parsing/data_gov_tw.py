"""Taiwan's data.gov.tw JSON export (TITLE, DESC, AGENCY, RESOURCE[]...) -> Records."""
import re

from datasets.models import OpenGrade, UpdateFrequency

from . import cleaning, dates, fields, licences
from .records import frequency_for_days

NAME = "data-gov-tw"

FREQUENCIES = {
    "即時": UpdateFrequency.REALTIME, "每小時": UpdateFrequency.REALTIME, "每日": UpdateFrequency.DAILY,
    "每週": UpdateFrequency.WEEKLY, "每周": UpdateFrequency.WEEKLY, "每月": UpdateFrequency.MONTHLY,
    "每季": UpdateFrequency.QUARTERLY, "每半年": UpdateFrequency.SEMIANNUAL, "每年": UpdateFrequency.ANNUAL,
    "不定期": UpdateFrequency.IRREGULAR, "不更新": UpdateFrequency.NEVER,
}
EVERY_N = re.compile(r"^每\s*(\d+)\s*(分鐘|小時|日|天|週|周|月|年)$")
UNIT_DAYS = {"分鐘": 1 / 1440, "小時": 1 / 24, "日": 1, "天": 1, "週": 7, "周": 7, "月": 30, "年": 365}

# CATEGORY and SERVICE_TYPE values -> our theme codes.
THEMES = {
    "政府預算": "government-affairs-budget", "政府支出": "economy-finance", "政府統計": "economy-statistics",
    "交通及通訊": "transport", "求職及就業": "social-security-employment",
    "生活安全及品質": "public-safety", "公共資訊": "government-affairs-services",
}
# data.gov.tw's own names for formats ("other" says nothing: the URL may).
FORMATS = {"壓縮檔": "ZIP", "其他": ""}


def detect(document):
    return isinstance(document, list) and any(isinstance(entry, dict) and "TITLE" in entry for entry in document[:10])


def entries(document):
    return document


def update_frequency(record, value):
    value = str(value or "").strip()
    if not value:
        return UpdateFrequency.IRREGULAR
    if value in FREQUENCIES:
        return FREQUENCIES[value]
    match = EVERY_N.match(value)
    if match:
        return frequency_for_days(int(match.group(1)) * UNIT_DAYS[match.group(2)])
    record.notes.append("unrecognized UPDATE_FREQ (set to irregular)")
    return UpdateFrequency.IRREGULAR


def _filetype(item):
    return str(item.get("RES_FILETYPE") or "").strip()


def parse(entry):
    entry, record, node = fields.open_record(entry, "NODE", "TITLE")
    if record.skip:
        return record
    record.identifier = cleaning.catalog_identifier(f"data.gov.tw-{node}")
    title = fields.title(record, entry.get("TITLE"))
    if record.skip:
        return record
    record.organization_name = str(entry.get("AGENCY") or "").strip()
    themes = [THEMES[key] for key in (entry.get("CATEGORY"), entry.get("SERVICE_TYPE")) if key in THEMES]
    licence, licence_text = licences.map_licence(record, entry.get("LICENCE"))
    charged = str(entry.get("CHARGE") or "").strip() == "收費"
    if charged:
        record.notes.append("charged data (imported as conditional)")
    record.data = {
        "identifier": record.identifier,
        "title": title,
        "description": fields.text(record, entry.get("DESC"), fields.DESCRIPTION_LIMIT, "description"),
        "themes": list(dict.fromkeys(themes)),
        "keywords": fields.keywords(record, entry.get("KEYWORDS")),
        "licence": licence,
        "licence_text": licence_text,
        # Its times are written without a zone, in Taiwan's.
        "issued": dates.map_date(record, "issued", entry.get("DATE_PUBLISH"), dates.TAIPEI),
        "source_modified": dates.map_date(record, "modified", entry.get("DATE_UPDATE_META"), dates.TAIPEI),
        "open_grade": OpenGrade.CONDITIONAL if charged else OpenGrade.OPEN,
        "update_frequency": update_frequency(record, entry.get("UPDATE_FREQ")),
        **fields.contact(record, entry.get("AGENCY_CONTACT")),
        "source_url": f"https://data.gov.tw/dataset/{node}" if node.isdigit() else "",
    }
    record.original_url = record.data["source_url"]
    resources = entry.get("RESOURCE")
    items = [item for item in (resources if isinstance(resources, list) else []) if isinstance(item, dict)]
    fields.distributions(record, [
        {"name": item.get("RES_DESC") or _filetype(item), "url": item.get("RES_URL"),
         "label": FORMATS.get(_filetype(item), _filetype(item))} for item in items])
    return record
