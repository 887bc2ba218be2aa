package dev.shrink.transport.registry;

/**
 * What a registry login gives: a user and password, or an identity token (OAuth2 refresh token,
 * which docker stores with the user {@code <token>}).
 *
 * @param source where the credentials came from, for error messages (never the secret)
 */
record Credentials(String user, String secret, String source) {
  static final String TOKEN_USER = "<token>";

  boolean isIdentityToken() {
    return TOKEN_USER.equals(user);
  }

  /** Parses {@code user:password} as skopeo's {@code --creds} takes it. */
  static Credentials parseUserPass(String creds, String source) {
    int colon = creds.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("credentials must be USER:PASSWORD");
    }
    return new Credentials(creds.substring(0, colon), creds.substring(colon + 1), source);
  }

  @Override
  public String toString() {
    return "Credentials[" + user + " from " + source + "]";
  }
}
