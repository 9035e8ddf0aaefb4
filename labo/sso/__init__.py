"""Single sign-on by OpenID Connect, through mozilla-django-oidc.

- ``provider``: whether it is on, the provider's discovery document (fetched when first
  needed, kept a while), the errors a sign-in ends with;
- ``accounts``: which Labo account a provider's account signs in (linked by e-mail once,
  then by subject) and the roles its claims give;
- ``backend``: the library's backend, fed by the above, checking the ID token fully;
- ``views``: the login page (provider first, then the password form if on), the callback
  ending every failure on the login page in French, the logout at the provider.
"""
