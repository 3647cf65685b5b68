from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts import services
from practicum.accounts.context_processors import NAVIGATION
from practicum.accounts.forms import LanguageForm, ProfileForm
from practicum.accounts.landing import landing_url_name
from practicum.accounts.models import User
from practicum.lib.downloads import stored_file_response


@login_required
def dashboard(request):
    """Send each person where their waiting work is, else to the dashboard of their first role."""
    waiting = landing_url_name(request.user)
    if waiting:
        return redirect(waiting)
    for role, url_name, _label in NAVIGATION:
        if role in request.user.roles:
            return redirect(url_name)
    return render(request, "accounts/no_role.html")


@login_required
def restricted(request):
    """Where a restricted account lands: why, and the pages still open to it."""
    from practicum.accounts.access import RESTRICTED_LINKS

    if request.user.account_status != User.AccountStatus.RESTRICTED:
        return redirect("dashboard")
    links = [link for provider in RESTRICTED_LINKS for link in provider(request.user)]
    return render(request, "accounts/restricted.html", {"links": links})


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(form=form)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.preferred_language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def language_switch(request):
    """Switch language: stored on the profile when signed in, in a cookie always."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    if not form.is_valid():
        return HttpResponseRedirect(target)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def _visible_profile(request, public_id: str) -> User:
    user = get_object_or_404(User, public_id=public_id, is_active=True)
    if not user.profile_public and user != request.user:
        raise Http404
    return user


def public_profile(request, public_id: str):
    profile = _visible_profile(request, public_id)
    return render(request, "accounts/public_profile.html", {"profile": profile})


def profile_photo(request, public_id: str):
    profile = _visible_profile(request, public_id)
    if not profile.photo:
        raise Http404
    # Shown inline in profile pages; a stored file that is not an image is a 404.
    return stored_file_response(
        profile.photo,
        kind=None,
        filename_stem=f"photo-{profile.public_id}",
        inline=True,
        cache_control="private, max-age=300",
    )


def profile_url(user: User) -> str:
    return reverse("accounts:public_profile", args=[user.public_id])
