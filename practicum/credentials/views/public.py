"""Public pages: verification by number or QR code, Open Badges, the issuer's keys."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from practicum.accounts.models import User
from practicum.credentials import badge_images, badge_keys, badge_status, badges, documents
from practicum.credentials.forms import BadgeCheckForm, VerifyNumberForm
from practicum.credentials.models import BadgeSigningKey, Credential, RuleSet, body_today
from practicum.credentials.views._access import _get_credential_by_code

# --- Public ----------------------------------------------------------------------------------


def verify(request):
    """Look a credential up by its number (as printed); the page itself is by random code."""
    form = VerifyNumberForm(request.GET or None)
    if form.is_valid():
        credential = Credential.objects.filter(number=form.cleaned_data["number"]).first()
        if credential is not None:
            return redirect("credentials:verify_code", code=credential.verification_code)
        form.add_error("number", _("No credential has this number. Check it and try again."))
    return render(request, "credentials/verify.html", {"form": form})


def verify_code(request, code: str):
    credential = _get_credential_by_code(code)
    today = body_today()
    renewed_by = Credential.objects.filter(renewal_of=credential).first()
    return render(
        request,
        "credentials/verify_result.html",
        {
            "credential": credential,
            "status": credential.status_on(today),
            "today": today,
            "renewed_by": renewed_by,
        },
    )


def qr(request, code: str):
    credential = _get_credential_by_code(code)
    response = HttpResponse(
        documents.qr_svg(documents.verification_url(credential)), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def badge_jwt(request, code: str):
    credential = _get_credential_by_code(code)
    response = HttpResponse(badges.credential_jwt(credential), content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{credential.number}.jwt"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def badge_png(request, code: str):
    """The badge image with the signed credential baked in: the file a wallet imports."""
    credential = _get_credential_by_code(code)
    rules = credential.rule_set.rules
    image = badge_images.badge_png(rules.code, rules.title)
    response = HttpResponse(
        badge_images.baked_png(image, badges.credential_jwt(credential)), content_type="image/png"
    )
    response["Content-Disposition"] = f'attachment; filename="{credential.number}.png"'
    response["Cache-Control"] = "no-store"
    return response


def badge_image(request, code: str):
    """The badge of a credential type (the Achievement's image)."""
    rule_set = RuleSet.objects.current(code.upper())
    if rule_set is None:
        raise Http404
    rules = rule_set.rules
    response = HttpResponse(
        badge_images.badge_png(rules.code, rules.title), content_type="image/png"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def badge_key(request, kid: str):
    """One signing key's public JWK: what a badge's `kid` URL answers."""
    key = BadgeSigningKey.objects.filter(kid=kid).first()
    if key is None:
        raise Http404
    response = JsonResponse(badge_keys.public_jwk(key), content_type="application/jwk+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


def status_list(request, purpose: str):
    """A Bitstring Status List credential (revocation or suspension), signed as a VC-JWT."""
    if purpose not in badge_status.PURPOSES:
        raise Http404
    response = HttpResponse(
        badge_status.status_list_jwt(purpose), content_type="application/vc+jwt"
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


@never_cache
def badge_check(request):
    posted = request.method == "POST"
    form = BadgeCheckForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = badges.badge_verify(form.cleaned_data["jwt"])
    return render(
        request,
        "credentials/badge_check.html",
        {"form": form, "result": result},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


def issuer(request):
    return JsonResponse(badges.issuer_profile(), content_type="application/ld+json")


def jwks(request):
    response = JsonResponse(badges.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


def revocation_list(request):
    return JsonResponse(badges.revocation_list(), content_type="application/ld+json")


def achievement(request, code: str):
    rule_set = RuleSet.objects.current(code.upper())
    if rule_set is None:
        raise Http404
    return JsonResponse(
        {"@context": badges.CONTEXTS, **badges.achievement(rule_set)},
        content_type="application/ld+json",
    )


def holder_badges(request, public_id: str):
    """A fragment (the supervision directory and the public profile may embed it): the active
    credentials of a paid member whose profile is public; empty otherwise."""
    today = body_today()
    holder = User.objects.filter(public_id=public_id, is_active=True).first()
    credentials = []
    if holder is not None and holder.profile_public and holder.is_paid_member_on(today):
        seen = set()
        for credential in (
            Credential.objects.valid_on(today)
            .filter(holder=holder)
            .select_related("credential_type")
            .order_by("credential_type__code", "-expires_on")
        ):
            if credential.credential_type_id not in seen:
                seen.add(credential.credential_type_id)
                credentials.append(credential)
    if not credentials:
        return HttpResponse("")  # an empty slot stays hidden where it is embedded
    return render(
        request, "credentials/holder_badges.html", {"credentials": credentials, "today": today}
    )
