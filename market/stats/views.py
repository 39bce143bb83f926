"""The organiser's statistics area (read-only): the dashboard and its exports."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from merchants.areas import area_of
from ocop_catalog.selectors import cooperative_for_user

from . import charts, exports, reports
from .forms import StatsFilterForm
from .tables import SUPPRESSION_NOTE


class StatisticsAccessMixin(LoginRequiredMixin):
    """Organisers (commune or province) with the permission, inside their area; platform
    admins everywhere. Cooperative staff are sent to their own figures; anyone else: 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.area = area_of(request.user)
        if self.area is None or not request.user.has_perm("stats.view_statistics"):
            if cooperative_for_user(request.user) is not None:
                return redirect("coop:figures")
            if request.user.has_perm("stats.view_statistics"):
                raise PermissionDenied(
                    _("Tài khoản chưa được gán địa bàn (xã hoặc tỉnh). Hãy nhờ quản trị viên gán địa bàn.")
                )
            raise PermissionDenied(_("Chỉ cán bộ xã, tỉnh được giao mới xem được thống kê."))
        self.filters = self.read_filters()
        return super().dispatch(request, *args, **kwargs)

    def read_filters(self):
        """The filters asked for. A malformed one is named in Vietnamese and the default view
        shown; a period running past today is cut at today, with a note."""
        data = self.request.GET.copy() or None
        if data and "update_communes" in data:
            # The province changed: the commune chosen before may not be in it; start the list afresh.
            data.pop("commune", None)
            data.pop("update_communes", None)
        form = StatsFilterForm(data, area=self.area)
        self.problems = []
        if not form.is_bound:
            f = StatsFilterForm.default(self.area)
        elif form.is_valid():
            f = form.filters()
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else None
                self.problems += [f"{label}: {error}" if label else error for error in errors]
            f = StatsFilterForm.default(self.area)
        self.notes = form.notes
        self.form = form.show(f)
        return f


class DashboardView(StatisticsAccessMixin, TemplateView):
    template_name = "stats/dashboard.html"

    def get_context_data(self, **kwargs):
        f = self.filters
        data = reports.dashboard(filters=f)
        target = data["target"]
        return super().get_context_data(
            f=f,
            form=self.form,
            data=data,
            query=f.query(),
            suppression_note=SUPPRESSION_NOTE,
            problems=self.problems,
            notes=self.notes,
            charts={
                "markets": charts.bars(data["markets"], "rate", maximum=100, target=target, unit=" %"),
                "activity": charts.bars(data["activity"], "payments"),
                "communes": charts.bars(data["communes"], "rate", maximum=100, target=target, unit=" %"),
                "provinces": charts.bars(data["provinces"], "rate", maximum=100, target=target, unit=" %"),
                "trend": charts.line(data["trend"], "rate", target="target", percent=True),
                "agents": charts.bars(data["agents"], "n"),
                "camp_days": charts.bars(data["camp_days"], "n"),
                "cooperatives": charts.bars(data["cooperatives"], "orders"),
                "daily": charts.line(data["daily"], "orders"),
                "methods": charts.bars(data["methods"], "share", maximum=100, unit=" %"),
                "ocop": charts.bars(data["ocop"], "total"),
            },
            **kwargs,
        )


class ExportView(StatisticsAccessMixin, View):
    def get(self, request, table, extension):
        if self.problems:
            return HttpResponse(" ".join(self.problems), status=400, content_type="text/plain; charset=utf-8")
        found = reports.table(key=table, filters=self.filters)
        if found is None:
            raise Http404(_("Không có bảng này."))
        if extension == "csv":
            body, content_type = exports.table_csv(found, self.filters), "text/csv; charset=utf-8"
        else:
            body = exports.table_xlsx(found, self.filters)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(found, self.filters, extension)}"'
        return response
