"""Public pages of calls for applications, candidate sign-up and the candidate's applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import throttle
from accounts.services import account_signup
from core.http import safe_next
from occupants.calls import services as calls_services
from occupants.calls.forms import ApplicationForm, DocumentForm, SignupForm
from occupants.downloads import private_file_response
from occupants.models import Application, ApplicationDocument, Call, Lot
from sites.page_cache import public_page


def open_calls_queryset(now=None):
    """Open calls with what a list shows, in one query."""
    return (
        Call.objects.open(now)
        .select_related("site")
        .annotate(
            lot_count=Count("lots"),
            surface_min=Min("lots__surface_min"),
            surface_max=Max("lots__surface_max"),
        )
        .order_by("closes_at", "pk")
    )


@require_GET
@public_page
def call_list(request: HttpRequest) -> HttpResponse:
    calls = open_calls_queryset().prefetch_related(
        Prefetch("lots", queryset=Lot.objects.select_related("space"))
    )
    return render(request, "occupants/calls/list.html", {"calls": calls})


@require_GET
@public_page
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_object_or_404(
        Call.objects.published()
        .select_related("site")
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.select_related("space")),
            "visits",
            "required_documents",
        ),
        slug=slug,
    )
    mine = None
    if request.user.is_authenticated:
        mine = Application.objects.of_candidate(request.user).filter(call=call).first()
    return render(
        request,
        "occupants/calls/detail.html",
        {"call": call, "is_open": call.accepts_submissions(), "mine": mine},
    )


def _safe_next(request: HttpRequest) -> str:
    return safe_next(request, reverse("calls:mine"))


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A valid form always gets the same answer, whether the address is new, already has an
    account or went past the throttle: the e-mail says which, the page never does. So nobody is
    logged in here; the new account logs in with its password, and its address must be
    confirmed through the e-mailed link before it can submit an application."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Past the limit nothing is created or sent.
        if throttle.allow_email(request, "signup", data["email"]):
            account_signup(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                language_code=get_language(),
            )
        done = reverse("calls:signup_done") + "?" + urlencode({"next": _safe_next(request)})
        return redirect(done)
    return render(
        request, "occupants/calls/signup.html", {"form": form, "next": _safe_next(request)}
    )


@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "occupants/calls/signup_done.html", {"next": _safe_next(request)})


def _get_application_for_user(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.of_candidate(request.user).select_related("call__site"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_object_or_404(Call.objects.published().select_related("site"), slug=slug)
    existing = Application.objects.of_candidate(request.user).filter(call=call).first()
    if existing:
        return redirect(existing)
    if not call.accepts_submissions():
        messages.error(request, _("Cet appel n'accepte pas de candidature en ce moment."))
        return redirect(call)
    form = ApplicationForm(request.POST or None, call=call, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.call = call
        form.instance.applicant = request.user
        try:
            with transaction.atomic():
                application = form.save()
        except IntegrityError:
            # A second tab raced this one: the candidate already has an application.
            existing = Application.objects.of_candidate(request.user).get(call=call)
            return redirect(existing)
        messages.success(
            request,
            _("Brouillon enregistré. Ajoutez vos pièces jointes puis soumettez la candidature."),
        )
        return redirect(application)
    return render(request, "occupants/calls/apply.html", {"call": call, "form": form})


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = (
        Application.objects.of_candidate(request.user)
        .select_related("call__site", "structure")
        .order_by("-created_at")
    )
    return render(request, "occupants/calls/mine.html", {"applications": applications})


def _application_page(
    request, application, form=None, document_form=None, upload_refused="", status=200
):
    call = application.call
    documents = application.documents.select_related("document_type")
    context = {
        "application": application,
        "call": call,
        "form": form,
        "document_form": document_form or DocumentForm(),
        "upload_refused": upload_refused,
        "documents": documents,
        "required": call.required_documents.all(),
        "missing": calls_services.missing_documents(application) if application.is_editable else [],
        "can_submit": application.is_editable and call.accepts_submissions(),
        "lots": application.lots.all(),
    }
    return render(request, "occupants/calls/application.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_application_for_user(request, pk)
    form = None
    if application.is_editable:
        form = ApplicationForm(
            request.POST or None, instance=application, call=application.call, user=request.user
        )
        if request.method == "POST":
            if form.is_valid():
                with transaction.atomic():
                    form.save()
                messages.success(request, _("Brouillon enregistré."))
                return redirect(application)
            return _application_page(request, application, form=form, status=400)
    elif request.method == "POST":
        messages.error(request, _("Une candidature soumise ne peut plus être modifiée."))
        return redirect(application)
    return _application_page(request, application, form=form)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _get_application_for_user(request, pk)
    if not application.is_editable:
        messages.error(request, _("Une candidature soumise ne peut plus être modifiée."))
        return redirect(application)
    form_page = ApplicationForm(instance=application, call=application.call, user=request.user)
    try:
        calls_services.upload_attempt(user=request.user)
    except ValidationError as exc:  # counted before the file is checked or re-encoded
        return _application_page(
            request, application, form=form_page, upload_refused=exc.messages[0], status=429
        )
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = calls_services.document_add(
                application=application,
                user=request.user,
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Pièce jointe ajoutée : %(name)s.") % {"name": document.original_name}
            )
            return redirect(application)
    return _application_page(request, application, form=form_page, document_form=form, status=400)


def _get_document(request: HttpRequest, pk: int, document_pk: int) -> ApplicationDocument:
    application = _get_application_for_user(request, pk)
    return get_object_or_404(application.documents.select_related("application"), pk=document_pk)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """GET asks for confirmation, POST removes the document."""
    document = _get_document(request, pk, document_pk)
    application = document.application
    if not application.is_editable:
        messages.error(request, _("Une candidature soumise ne peut plus être modifiée."))
        return redirect(application)
    if request.method != "POST":
        return render(
            request,
            "occupants/calls/document_delete.html",
            {"application": application, "call": application.call, "document": document},
        )
    document.file.delete(save=False)
    document.delete()
    messages.success(request, _("Pièce jointe retirée."))
    return redirect(application)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _get_document(request, pk, document_pk)
    return document_response(document)


def document_response(document: ApplicationDocument) -> FileResponse:
    return private_file_response(document.file, document.original_name)


def _confirm(request: HttpRequest, application: Application, action: str) -> HttpResponse:
    """The confirmation step of a final action on an application (GET): what it does, a
    button that POSTs it, a link back. Works without JavaScript."""
    return render(
        request,
        "occupants/calls/confirm.html",
        {"application": application, "call": application.call, "action": action},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST submits."""
    application = _get_application_for_user(request, pk)
    if request.method != "POST":
        if not application.is_editable:
            messages.error(request, _("Une candidature soumise ne peut plus être modifiée."))
            return redirect(application)
        return _confirm(request, application, "submit")
    try:
        calls_services.application_submit(application=application, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(application)
    messages.success(
        request, _("Candidature soumise. Un e-mail de confirmation vous a été envoyé.")
    )
    return redirect(application)


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST withdraws."""
    application = _get_application_for_user(request, pk)
    if request.method != "POST":
        if not application.is_reviewable:
            messages.error(request, _("Cette candidature ne peut plus être retirée."))
            return redirect(application)
        return _confirm(request, application, "withdraw")
    try:
        calls_services.application_withdraw(application=application, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(application)
    messages.success(request, _("Vous vous êtes désisté·e de cette candidature."))
    return redirect(application)
