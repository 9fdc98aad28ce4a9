package dev.eden.artifacts.server;

import dev.eden.artifacts.server.Mounts.Mount;
import dev.eden.artifacts.server.Mounts.Mounted;
import java.net.URI;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link ArtifactServlet} in a minimal Spring Boot 3 application (auto-configured Spring MVC on
 * Tomcat), registered with a {@link ServletRegistrationBean} beside Spring's own dispatcher.
 */
final class SpringBootMount {
  private SpringBootMount() {}

  /** The smallest Boot application: auto-configuration only, no component scan. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}

  /** The servlet at {@code mapping} with mount path {@code mountPath}, in the root context. */
  static Mount at(String mountPath, String mapping) {
    return (handler, workDir, idleTimeout) -> {
      SpringApplication application = new SpringApplication(Application.class);
      application.addInitializers(context -> context.getBeanFactory().registerSingleton("edenArtifacts",
          new ServletRegistrationBean<>(new ArtifactServlet(handler, mountPath), mapping)));
      ConfigurableApplicationContext context = application.run(
          "--server.address=127.0.0.1",
          "--server.port=0",
          "--server.tomcat.connection-timeout=" + idleTimeout.toMillis() + "ms",
          "--spring.main.banner-mode=off",
          "--spring.main.register-shutdown-hook=false");
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      return new Mounted(URI.create("http://127.0.0.1:" + port + mountPath), context::close);
    };
  }
}
