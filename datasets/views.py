"""Portal pages: thin views over selectors (what a visitor may see) and services (what a publisher may change)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from core.service_forms import attempt
from organizations.models import Organization
from organizations.refusals import not_a_publisher
from organizations.roles import is_publisher, published_organizations
from organizations.selectors import listed_organizations

from . import facets, representations, selectors
from .catalog_counts import CatalogPaginator
from .catalog_facets import LIST_FACETS, CatalogFilters
from .forms import DatasetFilterForm, DatasetForm, ReplaceFileForm, ResourceEditForm, ResourceForm
from .grading import viewer_for
from .models import Dataset, Resource, Theme
from .presentation import DEFAULT_PAGE_SIZE, SORTS
from .services.lifecycle import archive_dataset, create_dataset, delete_dataset, publish_dataset, update_dataset
from .services.publishing_rights import ensure_can_publish
from .services.resources import (
    add_file_resource,
    add_url_resource,
    delete_resource,
    replace_resource_file,
    update_resource,
)

HOME_LIST_LENGTH = 6
# Searches the home page suggests, in the catalog's language; each finds datasets of the demo (tests/test_demo.py).
EXAMPLE_SEARCHES = ("空气质量", "行政区划", "高速公路", "PM2.5")


def _page(request, queryset, per_page=DEFAULT_PAGE_SIZE, paginator_class=CatalogPaginator):
    return paginator_class(queryset, per_page).get_page(request.GET.get("page"))


# --- what anyone may see ------------------------------------------------------

def home(request):
    viewer = viewer_for(request)
    listed = selectors.listed_datasets_for(viewer)
    figures = listed.aggregate(datasets=Count("pk"), downloads=Sum("download_count"))
    figures["resources"] = Resource.objects.filter(dataset__in=listed.values("pk")).count()
    organizations = selectors.organizations_with_counts(viewer).filter(dataset_count__gt=0).order_by("-dataset_count", "slug")
    organizations = list(organizations)
    figures["organizations"] = len(organizations)
    return render(request, "portal/home.html", {
        "figures": figures,
        "newest": listed.order_by(*SORTS["newest"][1])[:HOME_LIST_LENGTH],
        "most_downloaded": listed.order_by(*SORTS["downloads"][1])[:HOME_LIST_LENGTH],
        "themes": selectors.theme_tree_with_counts(viewer),
        "organizations": organizations[:12],
        "example_searches": EXAMPLE_SEARCHES,
    })


def dataset_list(request):
    """The catalog with the facet sidebar the search page has, counted over what this viewer may see."""
    form = DatasetFilterForm(request.GET)
    matching = form.filter(selectors.listed_datasets_for(viewer_for(request)))
    filters = CatalogFilters(request.GET)
    groups = facets.facet_groups(request.GET, filters.options(matching))
    return render(request, "portal/dataset_list.html", {
        "form": form,
        "page": _page(request, filters.apply(matching), form.chosen_page_size()),
        "facet_groups": groups,
        "chips": facets.chips(request.GET, groups, {}),
        "hidden_filters": facets.hidden_filters(request.GET, LIST_FACETS),
        "widening": facets.widening(request.GET, LIST_FACETS),
        "filter_errors": filters.errors,
        "q": form.value("q", ""),
    })


@vary_on_headers("Accept")
def dataset_detail(request, identifier):
    """The dataset's page, or another representation of it when the Accept header asks (representations)."""
    viewer = viewer_for(request)
    dataset = selectors.dataset_for(viewer, identifier)
    represented = representations.represent(request, dataset)
    if represented is not None:
        return represented
    prefetch_related_objects([dataset], "resources__versions", "themes__parent")
    versions = [version for resource in dataset.resources.all() for version in resource.versions.all()]
    return render(request, "portal/dataset_detail.html", {
        "dataset": dataset,
        "can_download": viewer.can_download(dataset),
        # Versions held back from this viewer for personal data: no download link, the reason instead.
        "held_versions": viewer.held_version_ids(dataset, versions),
        "can_edit": is_publisher(request.user, dataset.organization),
        "activity": selectors.dataset_activity(dataset, limit=20),
    })


def organization_list(request):
    organizations = selectors.organizations_with_counts(viewer_for(request)).order_by("-dataset_count", "slug")
    return render(request, "portal/organization_list.html", {"organizations": organizations})


def organization_detail(request, slug):
    organization = get_object_or_404(listed_organizations(), slug=slug)
    datasets = selectors.listed_datasets_for(viewer_for(request)).filter(organization=organization)
    # Its publishers (and staff) reach the department's to-do list (quality-attention) from here.
    is_its_publisher = organization.kind == Organization.Kind.GOVERNMENT and is_publisher(request.user, organization)
    return render(request, "portal/organization_detail.html", {
        "organization": organization,
        "average_metadata_score": selectors.average_metadata_score(datasets),
        "is_its_publisher": is_its_publisher,
        "page": _page(request, datasets.order_by(*SORTS["newest"][1])),
    })


def theme_list(request):
    return render(request, "portal/theme_list.html", {"themes": selectors.theme_tree_with_counts(viewer_for(request))})


def theme_detail(request, code):
    theme = get_object_or_404(Theme.objects.select_related("parent"), code=code)
    datasets = selectors.filter_theme(selectors.listed_datasets_for(viewer_for(request)), theme)
    return render(request, "portal/theme_detail.html", {
        "theme": theme,
        "sub_themes": theme.children.all(),
        "page": _page(request, datasets.order_by(*SORTS["newest"][1])),
    })


# --- publishing -------------------------------------------------------------------

def _editable_dataset(request, identifier):
    """404 when the user may not know the dataset exists, 403 when they may see but not change it."""
    dataset = selectors.dataset_for(viewer_for(request), identifier)
    ensure_can_publish(request.user, dataset.organization)
    return dataset


def _editable_resource(request, pk):
    resource = selectors.resource_for(viewer_for(request), pk)
    ensure_can_publish(request.user, resource.dataset.organization)
    return resource


def _dataset_url(dataset):
    return reverse("dataset-detail", args=[dataset.identifier])


@login_required
def my_datasets(request):
    organizations = published_organizations(request.user)
    if not organizations.exists():
        raise not_a_publisher(_("只有发布者可以管理数据集。"))
    datasets = selectors.datasets_for(viewer_for(request)).filter(organization__in=organizations)
    state = request.GET.get("state")
    if state in Dataset.State.values:
        datasets = datasets.filter(state=state)
    return render(request, "portal/my_datasets.html", {
        # Not a cached count: it reads the user's memberships, which no catalog change announces.
        "page": _page(request, datasets.order_by("-modified", "-pk"), paginator_class=Paginator),
        "states": Dataset.State.choices,
        "state": state,
        "organizations": organizations,
    })


@login_required
def dataset_create(request):
    if not published_organizations(request.user).exists():
        raise not_a_publisher(_("只有发布者可以创建数据集。"))
    form = DatasetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        dataset = attempt(form, lambda: create_dataset(
            user=request.user, organization=form.cleaned_data["organization"], data=form.service_data()
        ))
        if dataset:
            messages.success(request, _("数据集已创建（草稿）。请添加资源后发布。"))
            return redirect(_dataset_url(dataset))
    return render(request, "portal/dataset_form.html", {"form": form})


@login_required
def dataset_edit(request, identifier):
    dataset = _editable_dataset(request, identifier)
    form = DatasetForm(request.POST or None, user=request.user, dataset=dataset)
    if request.method == "POST" and form.is_valid():
        updated = attempt(form, lambda: update_dataset(
            user=request.user, dataset=dataset, data=form.service_data()
        ))
        if updated:
            messages.success(request, _("修改已保存。"))
            return redirect(_dataset_url(updated))
    return render(request, "portal/dataset_form.html", {"form": form, "dataset": dataset})


def _change_state(request, identifier, change, done):
    """Publish or archive through the service, say so, and go back to the dataset."""
    dataset = change(user=request.user, dataset=_editable_dataset(request, identifier))
    messages.success(request, done)
    return redirect(_dataset_url(dataset))


@login_required
@require_POST
def dataset_publish(request, identifier):
    return _change_state(request, identifier, publish_dataset, _("数据集已发布。"))


@login_required
@require_POST
def dataset_archive(request, identifier):
    return _change_state(request, identifier, archive_dataset, _("数据集已归档。"))


@login_required
def dataset_delete(request, identifier):
    dataset = _editable_dataset(request, identifier)
    if request.method == "POST":
        delete_dataset(user=request.user, dataset=dataset)
        messages.success(request, _("数据集“%(title)s”已删除。") % {"title": dataset.title})
        return redirect("my-datasets")
    return render(request, "portal/confirm_delete.html", {
        "object_label": dataset.title, "cancel_url": _dataset_url(dataset), "dataset": dataset,
    })


@login_required
def resource_create(request, identifier):
    dataset = _editable_dataset(request, identifier)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if attempt(form, lambda: _add_resource(request.user, dataset, form)):
            messages.success(request, _("资源已添加。"))
            return redirect(_dataset_url(dataset))
    return render(request, "portal/resource_form.html", {"form": form, "dataset": dataset, "multipart": True})


def _add_resource(user, dataset, form):
    data, claimed = form.service_data(), form.cleaned_data["format"]
    if form.cleaned_data["kind"] == Resource.Kind.URL:
        return add_url_resource(user=user, dataset=dataset, data=data, claimed_format=claimed)
    return add_file_resource(
        user=user, dataset=dataset, uploaded=form.cleaned_data["file"], data=data, claimed_format=claimed
    )


@login_required
def resource_edit(request, pk):
    resource = _editable_resource(request, pk)
    form = ResourceEditForm(request.POST or None, resource=resource)
    if request.method == "POST" and form.is_valid():
        if attempt(form, lambda: update_resource(user=request.user, resource=resource, data=form.service_data())):
            messages.success(request, _("资源已更新。"))
            return redirect(_dataset_url(resource.dataset))
    return render(request, "portal/resource_form.html", {
        "form": form, "dataset": resource.dataset, "resource": resource,
    })


@login_required
def resource_replace(request, pk):
    resource = _editable_resource(request, pk)
    form = ReplaceFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if attempt(form, lambda: replace_resource_file(
            user=request.user, resource=resource, uploaded=form.cleaned_data["file"],
            claimed_format=form.cleaned_data["format"],
        )):
            messages.success(request, _("已上传新版本，旧版本仍可在版本记录中下载。"))
            return redirect(_dataset_url(resource.dataset))
    return render(request, "portal/resource_form.html", {
        "form": form, "dataset": resource.dataset, "resource": resource, "multipart": True, "replacing": True,
    })


@login_required
def resource_delete(request, pk):
    resource = _editable_resource(request, pk)
    if request.method == "POST":
        delete_resource(user=request.user, resource=resource)
        messages.success(request, _("资源已删除。"))
        return redirect(_dataset_url(resource.dataset))
    return render(request, "portal/confirm_delete.html", {
        "object_label": resource.name, "cancel_url": _dataset_url(resource.dataset), "dataset": resource.dataset,
    })
