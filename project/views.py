from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from project.dashboard import panels_for
from project.roles import ROLES


@login_required
def dashboard(request):
    roles = [g.name for g in request.user.groups.all() if g.name in ROLES]
    return render(request, "dashboard.html", {"roles": roles, "panels": panels_for(request)})
