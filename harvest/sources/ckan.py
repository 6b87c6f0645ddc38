"""A CKAN portal through its Action API: package_search, page by page.

Pages are asked for with rows/start and sort=id asc, so a record changed during the run does not move
between pages; an incremental run asks only for what changed since the last run, less an hour
(fq=metadata_modified:[since - 1 h TO *]), so a clock a little off on either side loses nothing.
"""
import datetime
import json
import re
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import SourceKind
from ..parsing import ckan
from .base import SourceError, SourceType

API_SUFFIX = re.compile(r"/api(?:/\d+)?(?:/action)?/?$")
SAFE_TERM = re.compile(r"^[\w.\-]+$")
OVERLAP = datetime.timedelta(hours=1)


def _term(field, value):
    value = str(value)
    return f"{field}:{value}" if SAFE_TERM.match(value) else f'{field}:"{value.replace(chr(34), "")}"'


class CkanSource(SourceType):
    kind = SourceKind.CKAN
    supports_incremental = True
    page_size = 100

    @classmethod
    def clean_config(cls, config):
        config = config or {}
        unknown = sorted(set(config) - {"organization", "tags", "fq"})
        if unknown:
            raise ValidationError({"config": _("CKAN 来源不认识这些设置：%(keys)s。") % {"keys": ", ".join(unknown)}})
        cleaned = {}
        organization = config.get("organization") or ""
        if not isinstance(organization, str):
            raise ValidationError({"organization": _("组织应为 CKAN 组织的名称（一个字符串）。")})
        tags = config.get("tags") or []
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
            raise ValidationError({"tags": _("标签应为非空字符串的列表。")})
        fq = config.get("fq") or ""
        if not isinstance(fq, str):
            raise ValidationError({"fq": _("fq 应为 CKAN 的过滤查询（一个字符串）。")})
        if organization.strip():
            cleaned["organization"] = organization.strip()
        if tags:
            cleaned["tags"] = [tag.strip() for tag in tags]
        if fq.strip():
            cleaned["fq"] = fq.strip()
        return cleaned

    @property
    def site(self):
        """The portal's root, whether the source URL names it or its API."""
        return API_SUFFIX.sub("", self.source.url.rstrip("/"))

    def filter_query(self, since=None):
        config = self.clean_config(self.source.config)
        terms = [_term("organization", config["organization"])] if "organization" in config else []
        terms += [_term("tags", tag) for tag in config.get("tags", [])]
        if "fq" in config:
            terms.append(f"({config['fq']})")
        if since is not None:
            moment = (since - OVERLAP).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            terms.append(f"metadata_modified:[{moment} TO *]")
        return " AND ".join(terms)

    def _page(self, start, fq):
        query = {"rows": self.page_size, "start": start, "sort": "id asc", **({"fq": fq} if fq else {})}
        fetched = self.fetcher.open(f"{self.site}/api/3/action/package_search?{urlencode(query)}", expect="json")
        try:
            body = json.load(fetched.stream)
        except (ValueError, UnicodeDecodeError) as error:
            raise SourceError(_("CKAN 接口返回的不是合法的 JSON：%(error)s") % {"error": error}) from None
        finally:
            fetched.close()
        result = body.get("result") if isinstance(body, dict) else None
        if not (body.get("success") if isinstance(body, dict) else False) or not isinstance(result, dict):
            error = body.get("error") if isinstance(body, dict) else None
            raise SourceError(_("CKAN 接口拒绝了查询：%(error)s") % {"error": json.dumps(error, ensure_ascii=False)})
        results = result.get("results")
        if not isinstance(results, list):
            raise SourceError(_("CKAN 接口的应答中没有结果列表。"))
        return results, result.get("count")

    def records(self, *, since=None):
        fq, start = self.filter_query(since), 0
        while True:
            results, count = self._page(start, fq)
            for package in results:
                yield ckan.parse(package, self.site)
            start += len(results)
            if not results or len(results) < self.page_size or (isinstance(count, int) and start >= count):
                return
