"""The customer portal under /portal/ (signed-in contacts) and the public support page."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("support/", views.support_page, name="support"),
    path("portal/", views.home, name="home"),
    path("portal/sign-in/", views.sign_in_form, name="sign-in"),
    path("portal/sign-in/sent/", views.sign_in_sent, name="sign-in-sent"),
    path("portal/sign-in/<str:token>/", views.sign_in_link, name="sign-in-link"),
    path("portal/sign-out/", views.sign_out, name="sign-out"),
    path("portal/sla/", views.sla, name="sla"),
    path("portal/requests/", views.request_list, name="requests"),
    path("portal/requests/new/", views.request_new, name="request-new"),
    path("portal/requests/<int:request_id>/", views.request_detail, name="request"),
    path("portal/requests/<int:request_id>/reply/", views.request_reply, name="request-reply"),
    path("portal/requests/<int:request_id>/close/", views.request_close, name="request-close"),
    path(
        "portal/requests/<int:request_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("portal/notices/", views.notice_list, name="notices"),
    path("portal/notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("portal/work/", views.work, name="work"),
    path("portal/releases/", views.release_list, name="releases"),
    path("portal/tokens/", views.token_list, name="tokens"),
    path("portal/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
