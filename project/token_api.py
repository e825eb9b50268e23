"""POST /api/v1/auth/token/ issues a named token; DELETE revokes the token sent with it."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from project.api import ERROR
from project.client_address import ClientAddressThrottle
from project.lockout import SignInLocked, is_locked_out
from project.models import ApiToken
from project.second_factor import verify_second_factor
from project.services import issue_api_token, revoke_api_token


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_token = serializers.CharField(
        max_length=16,
        allow_blank=True,
        default="",
        help_text="The authenticator app's code: administrators when REQUIRE_ADMIN_2FA is on, "
        "and anyone with an authenticator set up.",
    )
    name = serializers.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        default="default",
        help_text="A label for the token (e.g. integration); a new token replaces the user's "
        "token of the same name.",
    )


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class TokenView(APIView):
    """Named API tokens. A token lapses after API_TOKEN_IDLE_HOURS without use, with a password
    change, or when revoked."""

    throttle_classes = (ClientAddressThrottle,)
    throttle_scope = "token"

    def get_permissions(self):
        # Anyone may ask for a token (the password is the check); revoking needs the token.
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(
        summary="Issue an API token",
        request=TokenInput,
        responses={
            200: TokenOutput,
            400: ERROR,
            429: OpenApiResponse(ERROR, description="Too many attempts or sign-in locked."),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request=request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            if is_locked_out(request):
                raise SignInLocked()
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with provided credentials."]}
            )
        verify_second_factor(user, data.validated_data["otp_token"])
        _, key = issue_api_token(user=user, name=data.validated_data["name"])
        return Response(TokenOutput({"token": key}).data)

    @extend_schema(
        summary="Revoke the token sent with this request",
        request=None,
        responses={204: None, 400: ERROR, 401: ERROR},
    )
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send the token to revoke as `Authorization: Token <key>`."]}
            )
        revoke_api_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
