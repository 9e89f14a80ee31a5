"""Access tokens: HS256 JWTs we issue for local users, or an external OIDC provider's RS/ES
tokens verified through its JWKS. Either way the user, role and scope come from our database."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

from domain.errors import Unauthenticated

ISSUER = "finops-center"
AUDIENCE = "finops-center"
LOCAL_ALGORITHM = "HS256"
OIDC_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


@dataclass(frozen=True)
class TokenSubject:
    """Whom a verified token names: our user id (local) or an e-mail (OIDC)."""

    user_id: int | None
    email: str | None
    #: The user's token version when a local token was issued (None for OIDC tokens).
    token_version: int | None = None


JwksFetcher = Callable[[], Awaitable[dict[str, Any]]]


def http_jwks_fetcher(url: str) -> JwksFetcher:
    async def fetch() -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(url)
            response.raise_for_status()
            data: dict[str, Any] = response.json()
            return data

    return fetch


class OidcVerifier:
    def __init__(
        self,
        fetch: JwksFetcher,
        *,
        issuer: str,
        audience: str,
        email_claim: str = "email",
        cache_seconds: float = 600,
    ) -> None:
        self._fetch = fetch
        self._issuer = issuer
        self._audience = audience
        self._email_claim = email_claim
        self._cache_seconds = cache_seconds
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0

    async def _key(self, kid: str) -> PyJWK:
        stale = time.monotonic() - self._fetched_at > self._cache_seconds
        if kid not in self._keys or stale:
            # An unknown kid means the provider rotated its keys: fetch again, once.
            try:
                keyset = PyJWKSet.from_dict(await self._fetch())
            except Exception as exc:  # network or malformed JWKS: the token cannot be checked
                raise Unauthenticated("the identity provider's keys cannot be read") from exc
            self._keys = {k.key_id: k for k in keyset.keys if k.key_id}
            self._fetched_at = time.monotonic()
        if kid not in self._keys:
            raise Unauthenticated("token signed with an unknown key")
        return self._keys[kid]

    async def verify(self, token: str, header: dict[str, Any]) -> TokenSubject:
        alg = header.get("alg")
        if alg not in OIDC_ALGORITHMS or not header.get("kid"):
            raise Unauthenticated("invalid token")
        key = await self._key(str(header["kid"]))
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[str(alg)],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated("invalid or expired token") from exc
        email = claims.get(self._email_claim)
        if not isinstance(email, str) or not email:
            raise Unauthenticated(f"token has no '{self._email_claim}' claim")
        return TokenSubject(user_id=None, email=email)


class TokenService:
    def __init__(self, secret: str, ttl_seconds: int, oidc: OidcVerifier | None = None) -> None:
        if len(secret) < 32:
            raise ValueError("the JWT secret must have at least 32 characters")
        self._secret = secret
        self.ttl_seconds = ttl_seconds
        self._oidc = oidc

    def issue(self, user_id: int, *, version: int = 0, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {
            "sub": str(user_id),
            "ver": version,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": issued,
            "nbf": issued,
            "exp": issued + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._secret, algorithm=LOCAL_ALGORITHM)

    async def verify(self, token: str) -> TokenSubject:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated("invalid token") from exc
        if header.get("alg") == LOCAL_ALGORITHM:
            try:
                claims = jwt.decode(
                    token,
                    self._secret,
                    algorithms=[LOCAL_ALGORITHM],
                    audience=AUDIENCE,
                    issuer=ISSUER,
                    options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                )
                return TokenSubject(
                    user_id=int(claims["sub"]), email=None, token_version=int(claims.get("ver", 0))
                )
            except (jwt.PyJWTError, ValueError) as exc:
                raise Unauthenticated("invalid or expired token") from exc
        if self._oidc is not None:
            return await self._oidc.verify(token, header)
        # alg "none" and anything else we did not issue ends here.
        raise Unauthenticated("invalid token")
