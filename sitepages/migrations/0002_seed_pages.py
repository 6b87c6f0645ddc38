"""The five footer pages with default text in both languages; staff adapt them in the admin."""
from django.db import migrations

PAGES = [
    {
        "slug": "about",
        "title_zh": "关于本站",
        "title_en": "About this portal",
        "body_zh": """本平台是城市大数据平台的公共数据开放门户，由城市大数据中心主办，各政府部门作为数据提供单位发布数据。

## 开放等级

- **无条件开放**：任何人都可以查询、预览和下载。
- **有条件开放**：元数据公开；经认证的企业提出使用申请，由数据提供部门审核批准后，通过该企业的 API 密钥获取数据。
- **不予开放**：不在本平台公开，仅数据提供部门和平台工作人员可见。

## 可以做什么

- 按关键词、主题、提供单位和格式查找数据集，以表格、图表或地图预览；
- 下载文件，或通过开发者接口（REST API）按行查询表格数据；
- 企业完成认证后可申请有条件开放的数据，并把自己的数据贡献回数据目录，经审核后合并并注明来源。
""",
        "body_en": """This portal is the open data portal of the city's urban big data platform. It is run by the City Big Data Centre; government departments publish their datasets here as data providers.

## Open grades

- **Open**: anyone may search, preview and download the data.
- **Conditional**: the metadata is public; a verified enterprise applies to use the data, the providing department reviews the application, and once approved the data reaches the enterprise through its API key.
- **Restricted**: not published on this portal; only the providing department and the platform staff see it.

## What you can do

- Find datasets by keyword, theme, provider and format, and preview them as tables, charts or maps;
- download files, or query tabular data row by row through the developer API (REST);
- once verified, enterprises may apply for conditional data and contribute their own data back to the catalog, where it is merged after review with its source shown.
""",
    },
    {
        "slug": "contact",
        "title_zh": "联系我们",
        "title_en": "Contact",
        "body_zh": """对某个数据集的内容有疑问，请联系数据集页面上列出的数据提供单位及其联系人。

对平台的使用、账号、企业认证、API 密钥或本网站的可访问性有疑问或建议，请联系平台运营方：城市大数据中心。平台管理员可在管理后台把本页改为实际的电子邮箱、电话和办公地址。

我们会在 5 个工作日内答复。请勿通过电子邮件发送身份证件等个人敏感信息。
""",
        "body_en": """For questions about the content of a dataset, please contact the data provider and the contact person listed on the dataset's page.

For questions or suggestions about using the portal, accounts, enterprise verification, API keys or the accessibility of this site, please contact the portal's operator, the City Big Data Centre. The platform administrators can change this page in the admin to the actual e-mail address, telephone number and office address.

We answer within 5 working days. Please do not send identity documents or other sensitive personal data by e-mail.
""",
    },
    {
        "slug": "terms",
        "title_zh": "使用条款",
        "title_en": "Terms of use",
        "body_zh": """使用本平台即表示您同意以下条款。

1. **许可协议**：每个数据集注明其许可协议；使用数据须遵守该协议，并按要求注明数据来源。
2. **有条件开放的数据**：仅可用于申请中所述的用途和期限，遵守审核者在批准时写明的使用条款；不得转让、转售或公开原始数据，不得试图识别数据中的个人。授权到期或被撤销后，应停止使用并删除数据。续期前须提交上一期的使用成果报告。
3. **API 密钥**：密钥由申请人妥善保管，不得与他人共享；使用须遵守所属套餐的频率和配额限制。发现泄露请立即吊销或轮换。
4. **数据贡献**：企业贡献的数据须有合法来源、有权提供，不得含有未经脱敏的个人信息；贡献经审核合并后，以数据集的许可协议开放，并公开注明贡献企业。
5. **免责**：数据按“现状”提供；数据提供单位尽力保证其准确和及时，但不对因使用数据造成的损失承担责任。
6. 违反本条款的，平台可暂停账号、吊销密钥或撤销授权。平台可修订本条款，修订后在本页公布。
""",
        "body_en": """By using this portal you agree to the following terms.

1. **Licences**: each dataset states its licence; use of the data must follow that licence, including attribution of the source where required.
2. **Conditional data**: it may be used only for the purpose and period stated in the application and under the terms the reviewer set when approving it; the raw data may not be transferred, resold or published, and no attempt may be made to identify individuals in it. When the grant expires or is revoked, stop using the data and delete it. A renewal requires a report on the use made of the previous grant.
3. **API keys**: keep your keys safe and do not share them; use is bound by the rate limits and quotas of the key's plan. Revoke or rotate a key at once if it leaks.
4. **Contributions**: data an enterprise contributes must come from a lawful source it is entitled to share, and may not contain unmasked personal data; once reviewed and merged, it is published under the dataset's licence with the contributing enterprise named.
5. **Disclaimer**: data is provided "as is"; the providers do their best to keep it accurate and up to date, but are not liable for losses arising from its use.
6. Breaches of these terms may lead to a suspended account, revoked keys or revoked grants. The platform may revise these terms and publishes any revision on this page.
""",
    },
    {
        "slug": "privacy",
        "title_zh": "隐私政策",
        "title_en": "Privacy policy",
        "body_zh": """浏览、搜索和下载无条件开放的数据无需注册。

## 我们收集什么

- **账号**：用户名、电子邮箱和密码（仅保存其加密散列），用于登录、找回密码和通知。
- **企业认证**：企业名称、统一社会信用代码、法定代表人、联系人及联系方式和营业执照扫描件，仅平台管理员和该企业成员可见。
- **审计日志**：使用申请、授权、有条件开放数据的每次访问、API 密钥的签发与吊销等操作，连同操作者和时间，按政务数据管理要求保存，不可修改。
- **搜索统计**：热门搜索词和无结果的搜索词按日汇总，不含任何个人信息。

## 我们如何使用

上述信息仅用于提供本平台的服务、审核申请、保障数据安全和改进平台，不出售、不用于广告。登录状态和语言选择保存在 Cookie 中，不使用第三方跟踪。

如需查阅、更正或删除您的个人信息，请通过“联系我们”页面联系平台运营方。
""",
        "body_en": """Browsing, searching and downloading open data needs no account.

## What we collect

- **Accounts**: user name, e-mail address and password (only a salted hash of it is kept), for signing in, password resets and notifications.
- **Enterprise verification**: the enterprise's name, unified social credit code, legal representative, contact person and details, and the business licence scan, visible only to the platform administrators and the enterprise's members.
- **Audit log**: access applications, grants, every access to conditional data, API keys issued and revoked, with who did it and when, kept as government data rules require and never altered.
- **Search statistics**: popular queries and queries without results, counted per day, with no personal data.

## How we use it

This information is used only to run the portal, review applications, keep the data secure and improve the portal; it is not sold or used for advertising. Your session and language choice are kept in cookies; there is no third-party tracking.

To see, correct or delete your personal data, contact the portal's operator through the Contact page.
""",
    },
    {
        "slug": "accessibility",
        "title_zh": "无障碍说明",
        "title_en": "Accessibility",
        "body_zh": """我们希望每个人都能使用本平台，参照《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（GB/T 37668-2019）和 WCAG 2.1 AA 级的要求建设网站：

- 页面可以只用键盘操作，每页提供“跳到主要内容”链接；
- 图片和图标有文字替代，表单字段有标签，错误信息写明出错的字段；
- 表格预览可以作为普通表格阅读，图表和地图的数据同样可以表格形式查看和下载；
- 界面提供简体中文和英文两种语言；
- 文字颜色与背景保持足够对比，页面在手机上也可使用。

如果您在使用中遇到障碍，请通过“联系我们”页面告诉我们页面地址和遇到的问题，我们会尽快改进，并以您方便的方式提供所需的数据。
""",
        "body_en": """We want everyone to be able to use this portal, and build it following the Chinese standard GB/T 37668-2019 (accessibility of web content) and WCAG 2.1 level AA:

- every page can be used with the keyboard alone and offers a "skip to main content" link;
- images and icons have text alternatives, form fields have labels, and error messages name the field in error;
- table previews read as ordinary tables, and the data behind charts and maps can also be viewed and downloaded as a table;
- the interface speaks Simplified Chinese and English;
- text keeps enough contrast with its background, and pages work on phones.

If something stands in your way, tell us the page address and the problem through the Contact page; we will fix it as soon as we can and provide the data you need in a form that suits you.
""",
    },
]


def seed(apps, schema_editor):
    SitePage = apps.get_model("sitepages", "SitePage")
    for page in PAGES:
        SitePage.objects.get_or_create(slug=page["slug"], defaults=page)


class Migration(migrations.Migration):
    dependencies = [("sitepages", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
