"""The demo catalog data `manage.py load_demo` (portal/demo/) creates: departments and datasets.

Every file here is a real, public table written out faithfully (sources in
SOURCES.md); nothing is a made-up measurement. The departments are named after
Shenzhen's, whose extent (东经113°43′–114°38′, 北纬22°24′–22°52′) is the demo bbox.
"""
import json
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent

# (slug, 中文名称, English name, publisher username); all government departments.
DEPARTMENTS = [
    ("sz-transport", "深圳市交通运输局", "Shenzhen Municipal Transport Bureau", "transport-publisher"),
    ("sz-eco", "深圳市生态环境局", "Shenzhen Municipal Ecology and Environment Bureau", "eco-publisher"),
    ("sz-stats", "深圳市统计局", "Shenzhen Municipal Statistics Bureau", "stats-publisher"),
    ("sz-health", "深圳市卫生健康委员会", "Shenzhen Municipal Health Commission", "health-publisher"),
    ("sz-education", "深圳市教育局", "Shenzhen Municipal Education Bureau", "education-publisher"),
    ("sz-planning", "深圳市规划和自然资源局", "Shenzhen Municipal Planning and Natural Resources Bureau",
     "planning-publisher"),
]

# Each dataset (catalog.json): organization slug, state, service fields, then resources. A file
# resource is {"file": name[, "replaced_by": newer file]}; a link is {"url": ...}.
DATASETS = json.loads((DIRECTORY / "catalog.json").read_text(encoding="utf-8"))
