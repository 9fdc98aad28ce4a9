package dev.eden.artifacts.server;

import dev.eden.artifacts.server.Mounts.Mount;

/**
 * The full wire conformance suite through {@link ArtifactServlet}: Embedded Tomcat 10.1, the
 * servlet at {@code /v0/*} and {@code /healthz} of the root context. Part of {@code mvn -B verify},
 * so CI checks the container.
 */
class TomcatServletConformanceTest extends ReferenceServerConformanceTest {
  @Override
  Mount mount() {
    return Mounts.tomcat("", "", "/v0/*", "/healthz");
  }
}
