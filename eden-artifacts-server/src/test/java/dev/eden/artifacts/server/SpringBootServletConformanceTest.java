package dev.eden.artifacts.server;

import dev.eden.artifacts.server.Mounts.Mount;

/**
 * The full wire conformance suite through {@link ArtifactServlet}: A minimal Spring Boot 3
 * application (Tomcat), the servlet under the prefix {@code /eden} beside Spring's dispatcher. Part
 * of {@code mvn -B verify}, so CI checks the container.
 */
class SpringBootServletConformanceTest extends ReferenceServerConformanceTest {
  @Override
  Mount mount() {
    return SpringBootMount.at("/eden", "/eden/*");
  }
}
