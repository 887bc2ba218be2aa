package dev.shrink.transport.registry;

import dev.shrink.image.Digest;
import java.util.regex.Pattern;

/**
 * A parsed registry reference: {@code HOST[:PORT]/REPO[:TAG][@sha256:HEX]}. A first component
 * without a dot or colon (and not {@code localhost}) is a Docker Hub repository, as docker and
 * skopeo read it; a missing tag is {@code latest}.
 *
 * @param host the registry as named in the reference and in credential stores ({@code docker.io} for Docker Hub)
 * @param repository the repository path, e.g. {@code library/python}
 * @param tag the tag, or null when the reference names only a digest
 * @param digest the manifest digest, or null
 */
record RegistryRef(String host, String repository, String tag, String digest) {
  static final String DOCKER_HUB = "docker.io";
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]+)?|\\[[0-9A-Fa-f:]+\\](?::[0-9]+)?");

  static RegistryRef parse(String spec) {
    String rest = spec;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!Digest.isValid(digest)) {
        throw bad(spec, "the digest must be sha256: and 64 lowercase hex digits");
      }
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw bad(spec, "'" + tag + "' is not a valid tag");
      }
    }
    String host;
    String repository;
    int first = rest.indexOf('/');
    String head = first < 0 ? "" : rest.substring(0, first);
    if (first > 0 && (head.contains(".") || head.contains(":") || head.startsWith("[") || head.equals("localhost"))) {
      host = head;
      repository = rest.substring(first + 1);
      if (!HOST.matcher(host).matches()) {
        throw bad(spec, "'" + host + "' is not a registry host");
      }
    } else {
      host = DOCKER_HUB;
      repository = rest.contains("/") ? rest : "library/" + rest;
    }
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      host = DOCKER_HUB;
    }
    if (repository.isEmpty()) {
      throw bad(spec, "it names no repository");
    }
    for (String component : repository.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw bad(spec, "repository '" + repository + "' must be lowercase letters, digits and separators");
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new RegistryRef(host, repository, tag, digest);
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException("'docker://" + spec + "' is not a registry reference (" + why
        + "); use docker://HOST/REPO:TAG or docker://HOST/REPO@sha256:...");
  }

  /** Where the API is: Docker Hub's API host differs from its name. */
  String apiHost() {
    return host.equals(DOCKER_HUB) ? "registry-1.docker.io" : host;
  }

  /** The manifest reference the registry API takes: the digest when there is one, else the tag. */
  String reference() {
    return digest != null ? digest : tag;
  }

  /** The same repository at a digest. */
  RegistryRef withDigest(String value) {
    return new RegistryRef(host, repository, null, value);
  }

  @Override
  public String toString() {
    return "docker://" + host + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
