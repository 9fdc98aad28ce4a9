package dev.eden.artifacts.server;

import dev.eden.artifacts.server.Mounts.Mount;

/**
 * The full wire conformance suite through {@link ArtifactServlet}: Jetty 12 ee10, the servlet at
 * {@code /*} of context {@code /orchestrator}. Part of {@code mvn -B verify}, so CI checks the
 * container.
 */
class JettyEe10ServletConformanceTest extends ReferenceServerConformanceTest {
  @Override
  Mount mount() {
    return Mounts.jettyEe10("/orchestrator", "", "/*");
  }
}
