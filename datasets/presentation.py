"""How the catalog is explained to people on pages: grade explanations, list sorting, page sizes."""
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import OpenGrade

GRADE_EXPLANATIONS = {
    OpenGrade.OPEN: _("任何人均可查看并下载数据，无需登记。"),
    OpenGrade.CONDITIONAL: _("元数据公开；数据需向提供单位申请，经同意后方可获取。"),
    OpenGrade.RESTRICTED: _("不予开放：仅提供单位和平台管理员可见。"),
}

# Sort key shown in the URL -> (label, ordering).
SORTS = {
    "newest": (_("最新发布"), ("-published_at", "-pk")),
    "updated": (_("最近更新"), ("-modified", "-pk")),
    "downloads": (_("下载最多"), ("-download_count", "-pk")),
    "title": (_("标题"), ("title", "pk")),
    # Not scored yet last (quality.metadata_score).
    "quality": (_("元数据质量"), (F("metadata_score").desc(nulls_last=True), "-pk")),
}
DEFAULT_SORT = "newest"

PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20
