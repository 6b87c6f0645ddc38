"""Controlled vocabularies seeded into every installation: themes and licences."""

# (code, 中文, English, [(code, 中文, English), ...])
THEMES = [
    ("transport", "交通出行", "Transport", [
        ("transport-public", "公共交通", "Public transport"),
        ("transport-road", "道路交通", "Roads and traffic"),
        ("transport-parking", "停车", "Parking"),
    ]),
    ("environment", "生态环境", "Environment", [
        ("environment-air", "空气质量", "Air quality"),
        ("environment-water", "水环境", "Water"),
        ("environment-green", "园林绿化", "Parks and greenery"),
    ]),
    ("economy", "经济发展", "Economy", [
        ("economy-enterprise", "市场主体", "Businesses"),
        ("economy-statistics", "经济统计", "Economic statistics"),
        ("economy-finance", "财政金融", "Public finance"),
    ]),
    ("health", "医疗卫生", "Health", [
        ("health-facilities", "医疗机构", "Health facilities"),
        ("health-public", "公共卫生", "Public health"),
    ]),
    ("education", "教育科研", "Education", [
        ("education-schools", "学校", "Schools"),
        ("education-research", "科研", "Research"),
    ]),
    ("public-safety", "公共安全", "Public safety", [
        ("public-safety-emergency", "应急管理", "Emergency management"),
        ("public-safety-fire", "消防", "Fire services"),
    ]),
    ("urban-planning", "城市建设", "Urban planning", [
        ("urban-planning-land", "规划与土地", "Planning and land"),
        ("urban-planning-housing", "住房", "Housing"),
    ]),
    ("culture-tourism", "文化旅游", "Culture and tourism", [
        ("culture-tourism-venues", "文化场馆", "Cultural venues"),
        ("culture-tourism-tourism", "旅游", "Tourism"),
    ]),
    ("social-security", "社会保障", "Social security", [
        ("social-security-employment", "就业", "Employment"),
        ("social-security-welfare", "社会救助", "Social welfare"),
    ]),
    ("government-affairs", "政府政务", "Government affairs", [
        ("government-affairs-services", "政务服务", "Public services"),
        ("government-affairs-budget", "预决算", "Budgets"),
    ]),
    ("agriculture", "农业农村", "Agriculture", []),
    ("resources-energy", "资源能源", "Resources and energy", []),
]

# (code, 中文, English, url, is_open)
LICENCES = [
    ("cc-by-4.0", "知识共享署名 4.0", "Creative Commons Attribution 4.0",
     "https://creativecommons.org/licenses/by/4.0/", True),
    ("cc-by-3.0", "知识共享署名 3.0", "Creative Commons Attribution 3.0",
     "https://creativecommons.org/licenses/by/3.0/", True),
    ("cc-by-sa-4.0", "知识共享署名-相同方式共享 4.0", "Creative Commons Attribution-ShareAlike 4.0",
     "https://creativecommons.org/licenses/by-sa/4.0/", True),
    ("cc-by-sa-3.0", "知识共享署名-相同方式共享 3.0", "Creative Commons Attribution-ShareAlike 3.0",
     "https://creativecommons.org/licenses/by-sa/3.0/", True),
    # Non-commercial and no-derivatives terms are not open (Open Definition), but catalogs use them.
    ("cc-by-nc-4.0", "知识共享署名-非商业性使用 4.0", "Creative Commons Attribution-NonCommercial 4.0",
     "https://creativecommons.org/licenses/by-nc/4.0/", False),
    ("cc-by-nc-3.0", "知识共享署名-非商业性使用 3.0", "Creative Commons Attribution-NonCommercial 3.0",
     "https://creativecommons.org/licenses/by-nc/3.0/", False),
    ("cc-by-nc-sa-4.0", "知识共享署名-非商业性使用-相同方式共享 4.0",
     "Creative Commons Attribution-NonCommercial-ShareAlike 4.0",
     "https://creativecommons.org/licenses/by-nc-sa/4.0/", False),
    ("cc-by-nc-sa-3.0", "知识共享署名-非商业性使用-相同方式共享 3.0",
     "Creative Commons Attribution-NonCommercial-ShareAlike 3.0",
     "https://creativecommons.org/licenses/by-nc-sa/3.0/", False),
    ("cc-by-nd-4.0", "知识共享署名-禁止演绎 4.0", "Creative Commons Attribution-NoDerivatives 4.0",
     "https://creativecommons.org/licenses/by-nd/4.0/", False),
    ("cc-by-nc-nd-4.0", "知识共享署名-非商业性使用-禁止演绎 4.0",
     "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
     "https://creativecommons.org/licenses/by-nc-nd/4.0/", False),
    ("ogl-uk-3.0", "英国开放政府许可 3.0", "Open Government Licence v3.0",
     "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", True),
    ("cc0-1.0", "CC0 公共领域贡献", "CC0 1.0 Public Domain Dedication",
     "https://creativecommons.org/publicdomain/zero/1.0/", True),
    ("odc-by-1.0", "开放数据共享署名许可", "Open Data Commons Attribution License",
     "https://opendatacommons.org/licenses/by/1-0/", True),
    ("odc-odbl-1.0", "开放数据库许可", "Open Data Commons Open Database License",
     "https://opendatacommons.org/licenses/odbl/1-0/", True),
    ("public-domain", "公共领域", "Public domain", "", True),
    ("gov-open-data", "政府数据开放许可", "Government Open Data Licence", "", True),
    ("conditional-terms", "有条件开放协议", "Conditional access terms", "", False),
    ("other", "其他", "Other", "", False),
]


def seed_vocabularies(theme_model, licence_model):
    """Create or refresh the seeded themes and licences (used by a data migration)."""
    for position, (code, zh, en, children) in enumerate(THEMES):
        parent, _ = theme_model.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "parent": None, "position": position}
        )
        for child_position, (child_code, child_zh, child_en) in enumerate(children):
            theme_model.objects.update_or_create(
                code=child_code,
                defaults={"name_zh": child_zh, "name_en": child_en, "parent": parent, "position": child_position},
            )
    for code, zh, en, url, is_open in LICENCES:
        licence_model.objects.update_or_create(
            code=code, defaults={"title_zh": zh, "title_en": en, "url": url, "is_open": is_open}
        )
