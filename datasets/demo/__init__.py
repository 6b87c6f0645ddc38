"""The demo catalog `manage.py load_demo` creates: departments, people and datasets.

Every file here is a real, public table written out faithfully (sources in
SOURCES.md); nothing is a made-up measurement. The departments are named after
Shenzhen's, whose extent (东经113°43′–114°38′, 北纬22°24′–22°52′) is the demo bbox.
"""
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
ADMIN = ("admin", "admin-demo-2026")
PUBLISHER_PASSWORD = "publisher-demo-2026"
SHENZHEN_BBOX = [113.7167, 22.4, 114.6333, 22.8667]

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
ENTERPRISE = ("demo-metro-operator", "示例城市轨道交通运营公司", "Demo Metro Operator (enterprise)")

# Each dataset: organization slug, state, service fields, then resources. A file
# resource is {"file": name[, "replaced_by": newer file]}; a link is {"url": ...}.
DATASETS = [
    {
        "organization": "sz-stats", "state": "published",
        "data": {
            "identifier": "demo-provinces", "title": "全国省级行政区划代码及省会",
            "description": "全国 34 个省级行政区的**行政区划代码**（GB/T 2260）、类型、简称和省会（首府）。\n\n"
                           "- 第 2 版增加了英文名称一列\n- 数据来源：国家统计局统计用区划代码",
            "themes": ["government-affairs"], "keywords": ["行政区划", "省级", "区划代码"],
            "licence": "cc-by-4.0", "open_grade": "open", "update_frequency": "annual",
            "contact_name": "统计局数据管理处", "source_url": "https://www.stats.gov.cn/sj/tjbz/qhdm/",
        },
        "resources": [
            {"file": "provinces-v1.csv", "replaced_by": "provinces.csv", "name": "省级行政区划代码表"},
            {"url": "https://www.stats.gov.cn/", "name": "国家统计局网站", "format": "HTML"},
        ],
    },
    {
        "organization": "sz-stats", "state": "published",
        "data": {
            "identifier": "demo-shenzhen-districts", "title": "深圳市行政区划代码",
            "description": "深圳市 9 个行政区的行政区划代码与中英文名称。",
            "themes": ["urban-planning-land"], "keywords": ["深圳", "行政区", "区划代码"],
            "licence": "cc-by-4.0", "open_grade": "open", "update_frequency": "irregular",
            "spatial_region": "深圳市", "spatial_bbox": SHENZHEN_BBOX,
        },
        "resources": [{"file": "shenzhen-districts.csv", "name": "行政区代码表"}],
    },
    {
        "organization": "sz-stats", "state": "archived",
        "data": {
            "identifier": "demo-holidays-2024", "title": "2024 年全国法定节假日安排",
            "description": "依据《国务院办公厅关于2024年部分节假日安排的通知》整理的放假起止日期与调休上班日。"
                           "年度已结束，本数据集已归档。",
            "themes": ["government-affairs-services"], "keywords": ["节假日", "调休", "2024"],
            "licence": "public-domain", "open_grade": "open", "update_frequency": "never",
            "temporal_start": "2023-12-30", "temporal_end": "2024-10-12",
        },
        "resources": [{"file": "holidays-2024.csv", "name": "2024 年放假安排"}],
    },
    {
        "organization": "sz-transport", "state": "published",
        "data": {
            "identifier": "demo-expressways-radial", "title": "国家高速公路首都放射线",
            "description": "国家高速公路网中以北京为起点的 7 条首都放射线（G1–G7）的编号、简称与起终点。",
            "themes": ["transport-road"], "keywords": ["高速公路", "国家高速", "路网"],
            "licence": "cc-by-4.0", "open_grade": "open", "update_frequency": "irregular",
        },
        "resources": [{"file": "expressways-radial.csv", "name": "首都放射线"}],
    },
    {
        "organization": "sz-transport", "state": "published",
        "data": {
            "identifier": "demo-transport-portal", "title": "深圳市交通运输局政务公开",
            "description": "深圳市交通运输局网站的政务公开栏目（外部链接，数据不在本平台存放）。",
            "themes": ["transport"], "keywords": ["政务公开", "交通运输"],
            "open_grade": "open", "update_frequency": "irregular", "spatial_region": "深圳市",
            "spatial_bbox": SHENZHEN_BBOX,
        },
        "resources": [{"url": "https://jtys.sz.gov.cn/", "name": "深圳市交通运输局网站", "format": "HTML"}],
    },
    {
        "organization": "sz-eco", "state": "published",
        "data": {
            "identifier": "demo-aqi-levels", "title": "空气质量指数级别划分",
            "description": "《环境空气质量指数（AQI）技术规定（试行）》（HJ 633-2012）中的空气质量指数级别、类别与表示颜色，"
                           "提供 CSV 与 JSON 两种格式。",
            "themes": ["environment-air"], "keywords": ["AQI", "空气质量", "HJ 633-2012"],
            "licence": "cc0-1.0", "open_grade": "open", "update_frequency": "never",
        },
        "resources": [
            {"file": "aqi-levels.csv", "name": "AQI 级别（CSV）"},
            {"file": "aqi-levels.json", "name": "AQI 级别（JSON）"},
        ],
    },
    {
        "organization": "sz-eco", "state": "published",
        "data": {
            "identifier": "demo-gb3095-limits", "title": "环境空气污染物基本项目浓度限值",
            "description": "《环境空气质量标准》（GB 3095-2012）表 1 中六项基本污染物的一级、二级浓度限值。",
            "themes": ["environment-air"], "keywords": ["GB 3095-2012", "PM2.5", "浓度限值"],
            "licence": "cc0-1.0", "open_grade": "open", "update_frequency": "never",
        },
        "resources": [
            {"file": "gb3095-2012-limits.csv", "name": "浓度限值表"},
            {"url": "https://www.mee.gov.cn/", "name": "生态环境部网站", "format": "HTML"},
        ],
    },
    {
        "organization": "sz-health", "state": "published",
        "data": {
            "identifier": "demo-immunization-schedule", "title": "国家免疫规划疫苗儿童免疫程序（2021 年版）",
            "description": "国家免疫规划疫苗的剂次与接种年龄（减毒活疫苗方案；乙脑、甲肝灭活疫苗方案未列出）。\n\n"
                           "有条件开放：仅供本委员会及平台工作人员下载。",
            "themes": ["health-public"], "keywords": ["免疫规划", "疫苗", "儿童"],
            "licence": "conditional-terms", "open_grade": "conditional", "update_frequency": "irregular",
            "contact_name": "疾病预防控制处",
        },
        "resources": [{"file": "immunization-schedule-2021.csv", "name": "免疫程序表"}],
    },
    {
        "organization": "sz-health", "state": "published",
        "data": {
            "identifier": "demo-health-commission-site", "title": "国家卫生健康委员会网站",
            "description": "国家卫生健康委员会官方网站（外部链接）。",
            "themes": ["health"], "keywords": ["卫生健康"], "open_grade": "open",
            "update_frequency": "irregular",
        },
        "resources": [{"url": "https://www.nhc.gov.cn/", "name": "国家卫生健康委员会", "format": "HTML"}],
    },
    {
        "organization": "sz-education", "state": "published",
        "data": {
            "identifier": "demo-solar-terms", "title": "二十四节气",
            "description": "二十四节气的名称、拼音、英文译名及对应的太阳黄经（度）。",
            "themes": ["education"], "keywords": ["节气", "传统文化", "天文"],
            "licence": "cc0-1.0", "open_grade": "open", "update_frequency": "never",
        },
        "resources": [{"file": "solar-terms.json", "name": "二十四节气表"}],
    },
    {
        "organization": "sz-education", "state": "draft",
        "data": {
            "identifier": "demo-school-stages", "title": "中小学学段设置（草稿）",
            "description": "草稿：整理中的中小学学段与年级设置说明，尚未发布。",
            "themes": ["education-schools"], "keywords": ["学段", "义务教育"], "open_grade": "open",
            "update_frequency": "annual",
        },
        "resources": [{"url": "http://www.moe.gov.cn/", "name": "教育部网站", "format": "HTML"}],
    },
    {
        "organization": "sz-planning", "state": "published",
        "data": {
            "identifier": "demo-shenzhen-extent", "title": "深圳市地理范围（规划底图用）",
            "description": "深圳市经纬度范围的外接矩形（GeoJSON）。不予开放：仅本局及平台工作人员可见。",
            "themes": ["urban-planning-land"], "keywords": ["地理范围", "底图", "GeoJSON"],
            "licence": "other", "open_grade": "restricted", "update_frequency": "never",
            "spatial_region": "深圳市", "spatial_bbox": SHENZHEN_BBOX,
        },
        "resources": [{"file": "shenzhen-extent.geojson", "name": "深圳市范围"}],
    },
    {
        "organization": "sz-planning", "state": "published",
        "data": {
            "identifier": "demo-districts-restricted", "title": "行政区划代码核对底稿",
            "description": "用于内部核对的深圳市行政区划代码表。不予开放。",
            "themes": ["urban-planning-land"], "keywords": ["区划代码", "核对"],
            "licence": "other", "open_grade": "restricted", "update_frequency": "irregular",
            "spatial_region": "深圳市", "spatial_bbox": SHENZHEN_BBOX,
        },
        "resources": [{"file": "shenzhen-districts.csv", "name": "核对底稿"}],
    },
    {
        "organization": "sz-planning", "state": "published",
        "data": {
            "identifier": "demo-standard-map", "title": "标准地图服务",
            "description": "自然资源部标准地图服务系统（外部链接），提供可直接使用的标准地图。",
            "themes": ["urban-planning-land"], "keywords": ["标准地图", "地图"], "licence": "other",
            "open_grade": "conditional", "update_frequency": "irregular",
        },
        "resources": [{"url": "http://bzdt.ch.mnr.gov.cn/", "name": "标准地图服务系统", "format": "HTML"}],
    },
    {
        "organization": "sz-stats", "state": "published",
        "data": {
            "identifier": "demo-provinces-en", "title": "Provincial-level divisions of China",
            "description": "The 34 provincial-level divisions with their codes, Chinese and English names "
                           "and capitals (same table as demo-provinces, version 2).",
            "themes": ["government-affairs"], "keywords": ["provinces", "行政区划"],
            "licence": "cc-by-4.0", "open_grade": "open", "update_frequency": "annual",
        },
        "resources": [{"file": "provinces.csv", "name": "Provinces (CSV)"}],
    },
]
